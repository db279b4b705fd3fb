using Custodian.Audit;
using Custodian.Gateway.Protos.Subjects;
using HdrHistogram;
using Microsoft.Extensions.DependencyInjection;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Benchmarks;

/// <summary>
/// The gateway's read path with every decision written to the audit trail against the same path
/// with the trail replaced by a no-op, in one run: one silo, two gateways in front of it (audited
/// and unaudited), rounds alternated, both over real TLS with real JWTs.
/// </summary>
internal static class AuditBenchmark
{
    private const int Rounds = 5;
    private const int ReadsPerRound = 3_000;
    private static readonly int[] Concurrencies = [16, 64, 256];

    /// <summary>
    /// For profiling: only the audited (or, with <paramref name="audited"/> false, the unaudited) read
    /// path, 256 callers, for <paramref name="seconds"/>; attach a profiler to this process meanwhile.
    /// </summary>
    public static async Task SoakAsync(bool audited, int seconds)
    {
        await using var cluster = await BenchCluster.StartAsync(inMemoryAzurite: true);
        var channel = audited
            ? await cluster.StartGatewayAsync()
            : await cluster.StartGatewayAsync(services => services.AddSingleton<IAuditTrail, NoAuditTrail>());
        var client = new SubjectsClient(channel("bench-app", "acme", "app"));
        await client.PutRecordAsync(new PutRecordRequest { TenantId = "acme", SubjectId = "s0", Record = new Record { Category = "contact", Purpose = "bench", LegalBasis = LegalBasis.Contract, Fields = { ["email"] = "s0@example.org" } } });
        Console.WriteLine($"soaking the {(audited ? "audited" : "unaudited")} read path for {seconds} s, process {Environment.ProcessId}");
        using var trail = new TrailMeter();
        var until = DateTime.UtcNow.AddSeconds(seconds);
        var reads = 0;
        while (DateTime.UtcNow < until)
        {
            reads += 20_000;
            var result = await Measure.ClosedLoopAsync(_ => client.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = "acme", SubjectId = "s0", Category = "contact" }).ResponseAsync, 20_000, 256);
            Console.WriteLine($"{result.Throughput:F0} reads/s; {trail.TakeSummary()}");
        }
    }

    public static async Task RunAsync(bool inMemoryAzurite, bool storageOnOwnCore)
    {
        await using var cluster = await BenchCluster.StartAsync(inMemoryAzurite, storageOnOwnCore);
        var audited = await cluster.StartGatewayAsync();
        var unaudited = await cluster.StartGatewayAsync(services => services.AddSingleton<IAuditTrail, NoAuditTrail>());

        var seed = new SubjectsClient(audited("bench-app", "acme", "app"));
        for (var i = 0; i < 100; i++)
        {
            await seed.PutRecordAsync(new PutRecordRequest
            {
                TenantId = "acme",
                SubjectId = $"s{i}",
                Record = new Record { Category = "contact", Purpose = "bench", LegalBasis = LegalBasis.Contract, Fields = { ["email"] = $"s{i}@example.org" } },
            });
        }

        var on = new SubjectsClient(audited("bench-app", "acme", "app"));
        var off = new SubjectsClient(unaudited("bench-app", "acme", "app"));
        Func<int, Task> Read(SubjectsClient client) => i => client.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = "acme", SubjectId = $"s{i % 100}", Category = "contact" }).ResponseAsync;
        await Measure.ClosedLoopAsync(Read(on), 1_000, 16);
        await Measure.ClosedLoopAsync(Read(off), 1_000, 16);

        using var trail = new TrailMeter();
        Console.WriteLine();
        Console.WriteLine($"Audit trail on the gateway read path — {Environment.ProcessorCount} cores, {ReadsPerRound} reads per variant per round, {Rounds} rounds (alternating), TLS + JWT, Azurite {(inMemoryAzurite ? "in memory" : "on disk")}{(storageOnOwnCore ? $" pinned to core {Environment.ProcessorCount - 1}, the rest to the other cores" : ", sharing all cores")}, load average {BenchMachine.LoadAverage()}");
        var peaks = new Dictionary<int, (List<Measure.Result> On, List<Measure.Result> Off)>();
        foreach (var concurrency in Concurrencies)
        {
            var (withAudit, without) = (new List<Measure.Result>(), new List<Measure.Result>());
            for (var round = 0; round < Rounds; round++)
            {
                // Flip the order every round so that drift of the machine hits both alike.
                if (round % 2 == 0)
                {
                    without.Add(await Measure.ClosedLoopAsync(Read(off), ReadsPerRound, concurrency));
                    withAudit.Add(await Measure.ClosedLoopAsync(Read(on), ReadsPerRound, concurrency));
                }
                else
                {
                    withAudit.Add(await Measure.ClosedLoopAsync(Read(on), ReadsPerRound, concurrency));
                    without.Add(await Measure.ClosedLoopAsync(Read(off), ReadsPerRound, concurrency));
                }
            }

            peaks[concurrency] = (withAudit, without);
            Console.WriteLine($"  trail while measuring: {trail.TakeSummary()}");
            Console.WriteLine($"closed loop, {concurrency} callers:");
            Measure.Print("  unaudited", without);
            Measure.Print("  audited", withAudit);
            var ratios = withAudit.Zip(without, (a, u) => a.Throughput / u.Throughput).Order().ToList();
            Console.WriteLine($"  audited/unaudited throughput: median of rounds {ratios[ratios.Count / 2]:F3} (rounds {ratios[0]:F3}-{ratios[^1]:F3}); p99 ratio of median rounds {Measure.Median(withAudit).P99 / Measure.Median(without).P99:F2}");
        }

        // Latency at the same fixed rate for both: half the lower peak, so neither variant queues.
        var rate = 0.5 * peaks.Values.Min(p => Math.Min(Measure.Median(p.On).Throughput, Measure.Median(p.Off).Throughput));
        var count = (int)(rate * 3);
        var (onLatency, offLatency) = (new LongHistogram(TimeStamp.Minutes(1), 3), new LongHistogram(TimeStamp.Minutes(1), 3));
        for (var round = 0; round < Rounds; round++)
        {
            offLatency.Add(await Measure.FixedRateAsync(Read(off), rate, count));
            onLatency.Add(await Measure.FixedRateAsync(Read(on), rate, count));
        }

        Console.WriteLine($"fixed rate {rate:F0} reads/s, 3 s per variant per round, all rounds pooled:");
        Console.WriteLine($"  unaudited  p50 {Measure.Milliseconds(offLatency, 50):F2} ms  p99 {Measure.Milliseconds(offLatency, 99):F2} ms  p99.9 {Measure.Milliseconds(offLatency, 99.9):F2} ms");
        Console.WriteLine($"  audited    p50 {Measure.Milliseconds(onLatency, 50):F2} ms  p99 {Measure.Milliseconds(onLatency, 99):F2} ms  p99.9 {Measure.Milliseconds(onLatency, 99.9):F2} ms");
        Console.WriteLine($"  audited/unaudited p99 {Measure.Milliseconds(onLatency, 99) / Measure.Milliseconds(offLatency, 99):F2}");
        Console.WriteLine($"  trail while measuring: {trail.TakeSummary()}");
    }

    /// <summary>The unaudited variant (and the storage benchmark's silo, which audits nothing it measures): records go nowhere.</summary>
    internal sealed class NoAuditTrail : IAuditTrail
    {
        public Task WriteAsync(System.Collections.Immutable.ImmutableArray<AuditRecord> records) => Task.CompletedTask;
    }
}
