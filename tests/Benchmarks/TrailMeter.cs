using System.Diagnostics.Metrics;
using HdrHistogram;

namespace Custodian.Benchmarks;

/// <summary>
/// Listens to the gateway's audit meters in this process: how long records waited to be durable
/// (the audit lag) and how many went into each append, so a report can say where the time went.
/// </summary>
internal sealed class TrailMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly object _gate = new();
    private LongHistogram _lag = new(TimeStamp.Minutes(1), 3);
    private long _batches;
    private long _records;

    public TrailMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Custodian.Audit" && instrument.Name is "custodian.audit.lag" or "custodian.audit.batch.size")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            lock (_gate)
            {
                _lag.RecordValue(Math.Max(1, (long)(seconds * 1_000_000)));
            }
        });
        _listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
        {
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _records, size);
        });
        _listener.Start();
    }

    /// <summary>The lag quantiles and mean batch size since the last call, then starts afresh.</summary>
    public string TakeSummary()
    {
        lock (_gate)
        {
            var batches = Interlocked.Exchange(ref _batches, 0);
            var records = Interlocked.Exchange(ref _records, 0);
            if (_lag.TotalCount == 0)
            {
                return "no audit records";
            }

            var summary = $"audit lag p50 {_lag.GetValueAtPercentile(50) / 1000.0:F2} ms, p99 {_lag.GetValueAtPercentile(99) / 1000.0:F2} ms, max {_lag.GetMaxValue() / 1000.0:F2} ms; "
                + $"{records} records in {batches} appends ({(batches == 0 ? 0 : (double)records / batches):F1} per append)";
            _lag = new LongHistogram(TimeStamp.Minutes(1), 3);
            return summary;
        }
    }

    public void Dispose() => _listener.Dispose();
}
