using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace Custodian.Hosting;

/// <summary>
/// Keeps refused calls from costing the platform more than they cost the caller. Every denial is
/// still accounted for in the audit trail, but:
/// <list type="bullet">
/// <item>a source address gets at most <see cref="DenialLimits.PerSecond"/> denials a second (burst
/// <see cref="DenialLimits.Burst"/>) answered normally; beyond that it is answered RESOURCE_EXHAUSTED
/// (or HTTP 429) at once, without waiting on the trail (<see cref="DenialVerdict.Throttled"/>);</item>
/// <item>of identical denials (same source, actor, action, target, outcome) within
/// <see cref="DenialLimits.Window"/>, the first is written at once and waited for
/// (<see cref="DenialVerdict.Record"/>), the others are only counted (<see cref="DenialVerdict.Counted"/>)
/// and written as one entry with their count when the window closes.</item>
/// </list>
/// So a flood from one source adds about two entries per minute per kind of denial, however fast it
/// comes. Memory is bounded: past <see cref="DenialLimits.MaxKindsPerSource"/> kinds from one source, or
/// <see cref="DenialLimits.MaxKinds"/> in all, further denials are counted under one catch-all kind.
/// </summary>
public sealed partial class DenialLedger : IDisposable
{
    /// <summary>The outcome of the catch-all kind that counts denials past the memory bounds.</summary>
    public const string VariousOutcome = "denied:various";

    private const string Any = "*";
    private readonly DenialLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger<DenialLedger> _logger;
    private readonly PartitionedRateLimiter<string> _perSource;
    private readonly Lock _gate = new();
    private readonly Dictionary<Denial, Window> _open = [];
    private readonly Dictionary<string, int> _kindsPerSource = [];
    private readonly List<DenialSummary> _closed = [];

    public DenialLedger(DenialLimits limits, TimeProvider time, ILogger<DenialLedger> logger)
    {
        _limits = limits;
        _time = time;
        _logger = logger;
        _perSource = TokenBuckets.PerKey(limits.PerSecond, limits.Burst);
    }

    /// <summary>
    /// Accounts for one denial and says how to answer it: write it and wait, answer at once (it is
    /// counted), or throttle the source (with how long it should wait).
    /// </summary>
    public (DenialVerdict Verdict, TimeSpan RetryAfter) Admit(Denial denial)
    {
        using var lease = _perSource.AttemptAcquire(denial.Source);
        var throttled = !lease.IsAcquired;
        var retryAfter = throttled && lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        lock (_gate)
        {
            var kind = KindOf(denial);
            if (_open.TryGetValue(kind, out var window))
            {
                window.Unwritten++;
                return (throttled ? DenialVerdict.Throttled : DenialVerdict.Counted, retryAfter);
            }

            // A kind's first denial in a window is written as it happens, unless the source is throttled
            // (then it is only counted, so a throttled caller never waits on the trail).
            _open[kind] = new Window(_time.GetUtcNow()) { Unwritten = throttled || kind != denial ? 1 : 0 };
            _kindsPerSource[kind.Source] = _kindsPerSource.GetValueOrDefault(kind.Source) + 1;
            return throttled ? (DenialVerdict.Throttled, retryAfter)
                : kind != denial ? (DenialVerdict.Counted, retryAfter)
                : (DenialVerdict.Record, TimeSpan.Zero);
        }
    }

    /// <summary>A denial <see cref="Admit"/> said to write could not be written: it is counted in its window instead.</summary>
    public void Unwritten(Denial denial)
    {
        lock (_gate)
        {
            var kind = KindOf(denial);
            if (_open.TryGetValue(kind, out var window))
            {
                window.Unwritten++;
            }
            else
            {
                _closed.Add(new DenialSummary(kind, 1, _time.GetUtcNow(), _time.GetUtcNow()));
            }
        }
    }

    /// <summary>
    /// Writes, with <paramref name="write"/>, one entry per kind whose window closed with denials that
    /// were not written one by one, every <see cref="DenialLimits.FlushEvery"/>, until stopped; then
    /// closes every window and writes what is left. A summary that could not be written is tried again.
    /// </summary>
    public async Task RunAsync(Func<DenialSummary, Task> write, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_limits.FlushEvery, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await FlushAsync(write, closeAll: false);
        }

        await FlushAsync(write, closeAll: true);
    }

    /// <summary>Closes the windows that are over (or all), and writes the summaries of denials not yet written.</summary>
    public async Task FlushAsync(Func<DenialSummary, Task> write, bool closeAll)
    {
        List<DenialSummary> due;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var (kind, window) in _open.Where(w => closeAll || now - w.Value.Start >= _limits.Window).ToList())
            {
                _open.Remove(kind);
                _kindsPerSource[kind.Source]--;
                if (_kindsPerSource[kind.Source] <= 0)
                {
                    _kindsPerSource.Remove(kind.Source);
                }

                if (window.Unwritten > 0)
                {
                    _closed.Add(new DenialSummary(kind, window.Unwritten, window.Start, now));
                }
            }

            due = [.. _closed];
            _closed.Clear();
        }

        foreach (var summary in due)
        {
            try
            {
                await write(summary);
            }
            catch (Exception e)
            {
                LogSummaryNotWritten(_logger, e, summary.Count);
                lock (_gate)
                {
                    _closed.Add(summary);
                }
            }
        }
    }

    public void Dispose() => _perSource.Dispose();

    /// <summary>The kind a denial is counted under: its own, or a catch-all past the memory bounds.</summary>
    private Denial KindOf(Denial denial)
    {
        if (_open.ContainsKey(denial))
        {
            return denial;
        }

        if (_open.Count >= _limits.MaxKinds)
        {
            return new Denial(Any, Any, Any, Any, VariousOutcome);
        }

        return _kindsPerSource.GetValueOrDefault(denial.Source) >= _limits.MaxKindsPerSource
            ? new Denial(denial.Source, Any, Any, Any, VariousOutcome)
            : denial;
    }

    [LoggerMessage(7201, LogLevel.Warning, "A summary of {Count} denied calls could not be written to the audit trail yet; it is kept and tried again")]
    private static partial void LogSummaryNotWritten(ILogger logger, Exception exception, int count);

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public int Unwritten { get; set; }
    }
}

/// <summary>A refused call, as the audit trail names it (without its time): one kind of denial.</summary>
public sealed record Denial(string Source, string Actor, string Action, string Target, string Outcome)
{
    /// <summary>
    /// The region whose trail records denials of this kind (a gateway records a tenant's in the trail of the region
    /// that serves the tenant); null for the host's own. The catch-all kinds have none.
    /// </summary>
    public string? Region { get; init; }
}

/// <summary>Denials of one kind that were counted, not written one by one, between <see cref="From"/> and <see cref="Until"/>.</summary>
public sealed record DenialSummary(Denial Kind, int Count, DateTimeOffset From, DateTimeOffset Until);

/// <summary>How to answer a denial: see <see cref="DenialLedger.Admit"/>.</summary>
public enum DenialVerdict
{
    /// <summary>Write it to the trail and answer once it is stored (the first of its kind in a window).</summary>
    Record,

    /// <summary>Answer at once: the denial is counted and written with its kind's count when the window closes.</summary>
    Counted,

    /// <summary>The source is over its rate of denials: answer RESOURCE_EXHAUSTED (HTTP 429) at once; it is counted too.</summary>
    Throttled,
}
