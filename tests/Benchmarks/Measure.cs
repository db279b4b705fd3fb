using System.Diagnostics;
using HdrHistogram;

namespace Custodian.Benchmarks;

/// <summary>Closed-loop and fixed-rate measurement, and the report lines both benchmarks print.</summary>
internal static class Measure
{
    /// <summary>Throughput of one run, and latency quantiles in milliseconds.</summary>
    public sealed record Result(double Throughput, double P50, double P99, double P999);

    /// <summary><paramref name="concurrency"/> callers take the next op index until <paramref name="count"/> ops are done.</summary>
    public static async Task<Result> ClosedLoopAsync(Func<int, Task> op, int count, int concurrency)
    {
        var latencies = new double[count];
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                await op(i);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        var elapsed = total.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new Result(count / elapsed, At(0.50), At(0.99), At(0.999));

        double At(double quantile) => latencies[Math.Min(count - 1, (int)Math.Ceiling(quantile * count) - 1)];
    }

    /// <summary>
    /// Open loop at a fixed rate: op <c>i</c> is due at <c>i / <paramref name="ratePerSecond"/></c> seconds
    /// and is started then whether or not earlier ops have finished. Its latency counts from when it was
    /// due, not from when it was started, so a stall delays every op behind it and shows in the
    /// percentiles (no coordinated omission). Latencies are in <see cref="Stopwatch"/> ticks.
    /// </summary>
    public static async Task<HistogramBase> FixedRateAsync(Func<int, Task> op, double ratePerSecond, int count)
    {
        var latencies = new LongConcurrentHistogram(1, TimeStamp.Minutes(1), 3);
        var interval = Stopwatch.Frequency / ratePerSecond;
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

        async Task TimedAsync(int i, long dueAt)
        {
            await op(i);
            latencies.RecordValue(Math.Max(1, Stopwatch.GetTimestamp() - dueAt));
        }
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
