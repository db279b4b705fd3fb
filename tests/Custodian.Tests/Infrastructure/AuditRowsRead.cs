using System.Diagnostics.Metrics;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// Counts the table rows one silo's audit store reads (<c>custodian.audit.rows.read</c>), by kind: segment
/// rows and index rows. Only the meters of the given silo's own meter factory are listened to, so
/// other silos in the test process (other fixtures) do not count.
/// </summary>
public sealed class AuditRowsRead : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _segments;
    private long _index;

    public AuditRowsRead(IServiceProvider silo)
    {
        var factory = silo.GetService(typeof(IMeterFactory)) ?? throw new InvalidOperationException("The silo has no meter factory.");
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "custodian.audit.rows.read" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "row")
                {
                    Interlocked.Add(ref tag.Value as string == "index" ? ref _index : ref _segments, value);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Segment rows read since the last <see cref="Take"/>.</summary>
    public (long Segments, long Index) Take() => (Interlocked.Exchange(ref _segments, 0), Interlocked.Exchange(ref _index, 0));

    public void Dispose() => _listener.Dispose();
}
