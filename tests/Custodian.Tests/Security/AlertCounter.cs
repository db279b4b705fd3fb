using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Custodian.Tests.Security;

/// <summary>Counts <c>custodian.security.alerts</c> by rule while it lives.</summary>
internal sealed class AlertCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public AlertCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "custodian.security.alerts")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "rule" && tag.Value is string rule)
                {
                    _counts.AddOrUpdate(rule, value, (_, n) => n + value);
                }
            }
        });
        _listener.Start();
    }

    public long Of(string rule) => _counts.GetValueOrDefault(rule);

    public void Dispose() => _listener.Dispose();
}
