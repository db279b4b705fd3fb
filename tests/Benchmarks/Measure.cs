using System.Diagnostics;
using HdrHistogram;

namespace Custodian.Benchmarks;

/// <summary>Closed-loop and fixed-rate measurement (of one op, or of several taking turns), and the report lines the benchmarks print.</summary>
internal static class Measure
{
    /// <summary>Throughput of one run, and latency quantiles in milliseconds.</summary>
    public sealed record Result(double Throughput, double P50, double P99, double P999);

    /// <summary><paramref name="concurrency"/> callers take the next op index until <paramref name="count"/> ops are done.</summary>
    public static async Task<Result> ClosedLoopAsync(Func<int, Task> op, int count, int concurrency) =>
        (await InterleavedClosedLoopAsync([op], count, concurrency))[0];

    /// <summary>
    /// <see cref="ClosedLoopAsync"/> over several ops taking turns call by call: the <c>k</c>-th call any caller takes
    /// runs <c><paramref name="ops"/>[k % n]</c> with index <c>k / n</c>, <paramref name="countPerOp"/> calls of each,
    /// so that whatever the machine does meanwhile hits every op alike. One result per op: its latencies, and its
    /// calls per second of the whole run (their share of it, not what the op alone would reach).
    /// </summary>
    public static async Task<IReadOnlyList<Result>> InterleavedClosedLoopAsync(IReadOnlyList<Func<int, Task>> ops, int countPerOp, int concurrency)
    {
        var n = ops.Count;
        var latencies = ops.Select(_ => new double[countPerOp]).ToArray();
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int k;
            while ((k = Interlocked.Increment(ref next)) < countPerOp * n)
            {
                var started = Stopwatch.GetTimestamp();
                await ops[k % n](k / n);
                latencies[k % n][k / n] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        var elapsed = total.Elapsed.TotalSeconds;
        return [.. latencies.Select(l =>
        {
            Array.Sort(l);
            return new Result(countPerOp / elapsed, At(l, 0.50), At(l, 0.99), At(l, 0.999));
        })];

        double At(double[] sorted, double quantile) => sorted[Math.Min(countPerOp - 1, (int)Math.Ceiling(quantile * countPerOp) - 1)];
    }

    /// <summary>
    /// Open loop at a fixed rate: op <c>i</c> is due at <c>i / <paramref name="ratePerSecond"/></c> seconds
    /// and is started then whether or not earlier ops have finished. Its latency counts from when it was
    /// due, not from when it was started, so a stall delays every op behind it and shows in the
    /// percentiles (no coordinated omission). Latencies are in <see cref="Stopwatch"/> ticks.
    /// </summary>
    public static async Task<HistogramBase> FixedRateAsync(Func<int, Task> op, double ratePerSecond, int count) =>
        (await InterleavedFixedRateAsync([op], ratePerSecond, count))[0];

    /// <summary>
    /// <see cref="FixedRateAsync"/> over several ops taking turns: the <c>k</c>-th call due runs
    /// <c><paramref name="ops"/>[k % n]</c> with index <c>k / n</c>, each op at <paramref name="ratePerSecondEach"/>,
    /// <paramref name="countPerOp"/> calls of each. One histogram per op.
    /// </summary>
    public static async Task<IReadOnlyList<HistogramBase>> InterleavedFixedRateAsync(IReadOnlyList<Func<int, Task>> ops, double ratePerSecondEach, int countPerOp)
    {
        var n = ops.Count;
        var count = countPerOp * n;
        var latencies = ops.Select(_ => new LongConcurrentHistogram(1, TimeStamp.Minutes(1), 3)).ToArray();
        var interval = Stopwatch.Frequency / (ratePerSecondEach * n);
        var running = new List<Task>(count);
        var start = Stopwatch.GetTimestamp();
        var started = 0;
        while (started < count)
        {
            var due = Math.Min(count, (int)((Stopwatch.GetTimestamp() - start) / interval) + 1);
            for (; started < due; started++)
            {
                running.Add(TimedAsync(started, start + (long)(started * interval)));
            }

            if (started < count)
            {
                // About 1 ms on Linux: an op may start up to that late, and its latency includes it.
                await Task.Delay(1);
            }
        }

        await Task.WhenAll(running);
        return latencies;

        async Task TimedAsync(int k, long dueAt)
        {
            await ops[k % n](k / n);
            latencies[k % n].RecordValue(Math.Max(1, Stopwatch.GetTimestamp() - dueAt));
        }
    }

    /// <summary>All rounds' latencies in one histogram.</summary>
    public static HistogramBase Pooled(IReadOnlyList<HistogramBase> rounds)
    {
        var pooled = rounds[0].Copy();
        foreach (var round in rounds.Skip(1))
        {
            pooled.Add(round);
        }

        return pooled;
    }

    /// <summary>A histogram's value at <paramref name="percentile"/>, in milliseconds.</summary>
    public static double Milliseconds(HistogramBase latencies, double percentile) =>
        latencies.GetValueAtPercentile(percentile) / OutputScalingFactor.TimeStampToMilliseconds;

    /// <summary>The round with the median throughput.</summary>
    public static Result Median(IReadOnlyList<Result> rounds) => rounds.OrderBy(r => r.Throughput).ElementAt(rounds.Count / 2);

    /// <summary>One report line: median ops/s, min–max across rounds, and the median round's latencies.</summary>
    public static void Print(string name, IReadOnlyList<Result> rounds)
    {
        var median = Median(rounds);
        Console.WriteLine($"{name,-18} {median.Throughput,10:F0} ops/s  (rounds {rounds.Min(r => r.Throughput):F0}-{rounds.Max(r => r.Throughput):F0})  p50 {median.P50:F2} ms  p99 {median.P99:F2} ms  p99.9 {median.P999:F2} ms");
    }
}
