using System.Diagnostics;

namespace Custodian.Benchmarks;

/// <summary>Closed-loop measurement and the report lines both benchmarks print.</summary>
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

    /// <summary>The round with the median throughput.</summary>
    public static Result Median(IReadOnlyList<Result> rounds) => rounds.OrderBy(r => r.Throughput).ElementAt(rounds.Count / 2);

    /// <summary>One report line: median ops/s, min–max across rounds, and the median round's latencies.</summary>
    public static void Print(string name, IReadOnlyList<Result> rounds)
    {
        var median = Median(rounds);
        Console.WriteLine($"{name,-18} {median.Throughput,10:F0} ops/s  (rounds {rounds.Min(r => r.Throughput):F0}-{rounds.Max(r => r.Throughput):F0})  p50 {median.P50:F2} ms  p99 {median.P99:F2} ms  p99.9 {median.P999:F2} ms");
    }
}
