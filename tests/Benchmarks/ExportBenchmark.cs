using System.Diagnostics;
using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Hosting;
using Custodian.Silo.Audit;
using Custodian.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Benchmarks;

/// <summary>
/// The latency of one subject's Art. 15 export, whose access log is read through the trail's subject index,
/// with a trail holding 10,000 and one holding 100,000 other subjects' entries, side by side in one run: two
/// regions (a silo and a gateway each, real TLS and JWTs) on one Azurite, rounds alternated.
/// </summary>
internal static class ExportBenchmark
{
    private const int Partitions = 4;

    // One table transaction per append: a batch of 98 entries names at most 98 subjects (99 would take two).
    private const int Batch = 98;

    // Each round exports a subject of its own (subject 0 is the warm-up's), whose entries in the trail are
    // spread evenly through it, the same number in both trails; each export adds one entry to its log.
    private const int SubjectEntries = 40;
    private const int Rounds = 20;
    private const int ExportsPerRound = 10;
    private const int Scans = 3;

    public static async Task RunAsync(bool inMemoryAzurite)
    {
        await using var cluster = await BenchCluster.StartAsync(["eu-west", "eu-north"], inMemoryAzurite);
        using var small = await PrepareAsync(cluster, "eu-west", 10_000);
        using var large = await PrepareAsync(cluster, "eu-north", 100_000);

        foreach (var variant in new[] { small, large })
        {
            for (var i = 0; i < ExportsPerRound; i++)
            {
                await variant.App.ExportAsync(Export(variant, 0));
            }

            variant.RowsRead.Take();
        }

        for (var round = 0; round < Rounds; round++)
        {
            // Flip the order every round so that drift of the machine hits both alike.
            foreach (var variant in round % 2 == 0 ? new[] { small, large } : [large, small])
            {
                var export = Export(variant, round + 1);
                var latencies = new List<double>(ExportsPerRound);
                for (var i = 0; i < ExportsPerRound; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    var response = await variant.App.ExportAsync(export);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    variant.LogEntries = response.AccessLogEntries;
                }

                variant.Rounds.Add(latencies);
            }
        }

        var rowsRead = new[] { small, large }.ToDictionary(v => v, v => v.RowsRead.Take());
        var scans = new Dictionary<Variant, List<double>> { [small] = [], [large] = [] };
        for (var i = 0; i < Scans; i++)
        {
            foreach (var variant in i % 2 == 0 ? new[] { small, large } : [large, small])
            {
                scans[variant].Add(await ScanAsync(variant));
            }
        }

        // Where the difference lies: the log read alone (the partitions' queries by subject), and Azurite alone
        // answering the index-row queries those make.
        var table = cluster.Tables.GetTableClient("CustodianAudit");
        var (logReads, indexQueries) = (new Dictionary<Variant, List<double>> { [small] = [], [large] = [] }, new Dictionary<Variant, List<double>> { [small] = [], [large] = [] });
        for (var i = 0; i < ExportsPerRound; i++)
        {
            foreach (var variant in i % 2 == 0 ? new[] { small, large } : [large, small])
            {
                logReads[variant].Add(await LogReadAsync(variant, Rounds));
                indexQueries[variant].Add(await IndexQueriesAsync(table, variant, Rounds));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Export of one subject (its access log through the subject index) — {Environment.ProcessorCount} cores, load average {BenchMachine.LoadAverage()}, Azurite {(inMemoryAzurite ? "in memory" : "on disk")}, both trails in one table");
        Console.WriteLine($"{Rounds} rounds (alternating) of {ExportsPerRound} exports per trail, one caller, a subject per round with {SubjectEntries} entries spread through the trail (+2 of its put, +1 per export), after {ExportsPerRound} warm-up exports each; TLS + JWT");
        Console.WriteLine($"{"trail",-28} {"median ms",10} {"p90 ms",8} {"min ms",8} {"max ms",8} {"last log",9} {"segments/export",16} {"index rows/export",18}");
        foreach (var variant in new[] { small, large })
        {
            var all = variant.Rounds.SelectMany(r => r).Order().ToList();
            var (segments, index) = rowsRead[variant];
            var exports = (double)(Rounds * ExportsPerRound);
            Console.WriteLine($"{$"{variant.Region}: {variant.Others:N0} others",-28} {Quantile(all, 0.5),10:F2} {Quantile(all, 0.9),8:F2} {all[0],8:F2} {all[^1],8:F2} {variant.LogEntries,9} {segments / exports,16:F1} {index / exports,18:F1}");
        }

        var (smallAll, largeAll) = (small.Rounds.SelectMany(r => r).Order().ToList(), large.Rounds.SelectMany(r => r).Order().ToList());
        var roundRatios = large.Rounds.Zip(small.Rounds, (l, s) => Quantile([.. l.Order()], 0.5) / Quantile([.. s.Order()], 0.5)).Order().ToList();
        Console.WriteLine($"100k/10k: median {Quantile(largeAll, 0.5) / Quantile(smallAll, 0.5):F3}, p90 {Quantile(largeAll, 0.9) / Quantile(smallAll, 0.9):F3}; per-round median ratio {roundRatios[roundRatios.Count / 2]:F3} (rounds {roundRatios[0]:F3}-{roundRatios[^1]:F3}); goal <= 1.2");
        var (smallScan, largeScan) = (Quantile([.. scans[small].Order()], 0.5), Quantile([.. scans[large].Order()], 0.5));
        Console.WriteLine($"for comparison, a scan of every segment of the region's partitions (what the log read did before the index), median of {Scans}: 10k {smallScan:F0} ms, 100k {largeScan:F0} ms, ratio {largeScan / smallScan:F2}");
        Console.WriteLine($"where the difference lies, median of {ExportsPerRound} each, last round's subject:");
        foreach (var (name, times) in new[] { ("  the access log read alone (4 partition grains' queries by subject)", logReads), ("  Azurite alone: the subject's index-row queries (4 partitions at once)", indexQueries) })
        {
            var (smallTime, largeTime) = (Quantile([.. times[small].Order()], 0.5), Quantile([.. times[large].Order()], 0.5));
            Console.WriteLine($"{name}: 10k {smallTime:F1} ms, 100k {largeTime:F1} ms, difference {largeTime - smallTime:F1} ms, ratio {largeTime / smallTime:F2}");
        }
    }

    // Each region has a tenant of its own: the two regions share one Azurite, and a grain's state and data
    // key there must not meet another region's grain of the same key.
    private static string Tenant(string region) => $"acme-{region}";

    private static ExportRequest Export(Variant variant, int subject) => Export(variant.Region, subject);

    private static ExportRequest Export(string region, int subject) => new() { TenantId = Tenant(region), SubjectId = $"bench-subject-{subject}" };

    /// <summary>Starts the region's gateway, stores the subjects' records and fills the region's trail.</summary>
    private static async Task<Variant> PrepareAsync(BenchCluster cluster, string region, int others)
    {
        var channel = await cluster.StartGatewayAsync(region: region);
        var app = new SubjectsClient(channel("bench-app", Tenant(region), "app"));
        var keys = cluster.AuditKeys;
        for (var s = 0; s <= Rounds; s++)
        {
            await app.PutRecordAsync(new PutRecordRequest
            {
                TenantId = Tenant(region),
                SubjectId = Export(region, s).SubjectId,
                Record = new Record { Category = "contact", Purpose = "bench", LegalBasis = LegalBasis.Contract, Fields = { ["email"] = $"subject-{s}@example.org" } },
            });
        }

        var grains = cluster.Silo(region).GetRequiredService<IGrainFactory>();
        var filling = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Partitions).Select(async n =>
        {
            // Each partition: its share of the other subjects, one entry each, with each exported subject's share among them.
            var count = others / Partitions;
            var mine = SubjectEntries / Partitions;
            var records = Enumerable.Range(0, count).Select(i => Read($"other-{i}", keys.Subject(Tenant(region), $"other-{n}-{i}"))).ToList();
            for (var k = mine - 1; k >= 0; k--)
            {
                for (var s = Rounds; s >= 0; s--)
                {
                    records.Insert((k * count / mine) + (count / (2 * mine)), Read("bench-staff", keys.Subject(Tenant(region), Export(region, s).SubjectId)));
                }
            }

            var partition = grains.GetGrain<IAuditPartitionGrain>(AuditPartitions.Name(region, n));
            foreach (var batch in records.Chunk(Batch))
            {
                await partition.AppendAsync([.. batch]);
            }
        }));
        Console.WriteLine($"{region}: {others:N0} entries of other subjects and {SubjectEntries} of each of {Rounds + 1} exported subjects appended in {filling.Elapsed.TotalSeconds:F0} s");
        return new Variant(region, others, app, grains, keys, new AuditRowsRead(cluster.Silo(region)));
    }

    /// <summary>Milliseconds to read every segment of the region's partitions by a filter no index serves.</summary>
    private static async Task<double> ScanAsync(Variant variant)
    {
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Partitions).Select(n =>
            variant.Grains.GetGrain<IAuditPartitionGrain>(AuditPartitions.Name(variant.Region, n)).QueryAsync(new AuditQuery(Actor: "nobody"), 0, AuditPartitionLimits.MaxPage)));
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>Milliseconds for what an export's access log read asks of the partitions: each one's entries of the subject.</summary>
    private static async Task<double> LogReadAsync(Variant variant, int subject)
    {
        var query = new AuditQuery(Target: variant.AuditKeys.Subject(Tenant(variant.Region), Export(variant, subject).SubjectId));
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Partitions).Select(n =>
            variant.Grains.GetGrain<IAuditPartitionGrain>(AuditPartitions.Name(variant.Region, n)).QueryAsync(query, 0, AuditPartitionLimits.MaxPage)));
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>
    /// Milliseconds for Azurite to answer the subject's index-row queries, in each partition at once as the log
    /// read makes them, without reading the segments: what the emulator charges for a row-key range query in a
    /// partition (it evaluates the filter row by row) apart from what it returns.
    /// </summary>
    private static async Task<double> IndexQueriesAsync(TableClient table, Variant variant, int subject)
    {
        var prefix = AuditSubjectIndex.Prefix(variant.AuditKeys.Subject(Tenant(variant.Region), Export(variant, subject).SubjectId));
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Partitions).Select(async n =>
        {
            var filter = AuditSubjectIndex.Filter(TableAuditStore.Key(AuditPartitions.Name(variant.Region, n)), prefix, 1, long.MaxValue, 0);
            await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"]))
            {
                _ = row.RowKey;
            }
        }));
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static AuditRecord Read(string actor, string target) =>
        new(DateTimeOffset.UtcNow, actor, "Read:/custodian.subjects.v1.Subjects/GetRecord", target, "allowed", "127.0.0.1", "role:app", "bench");

    private static double Quantile(IReadOnlyList<double> sorted, double quantile) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];

    /// <summary>One trail: its region, how many other subjects' entries it holds, the app's client, the silo, its row counter, the rounds' latencies.</summary>
    private sealed class Variant(string region, int others, SubjectsClient app, IGrainFactory grains, AuditKeys keys, AuditRowsRead rowsRead) : IDisposable
    {
        public string Region { get; } = region;

        public int Others { get; } = others;

        public SubjectsClient App { get; } = app;

        public AuditRowsRead RowsRead { get; } = rowsRead;

        public IGrainFactory Grains { get; } = grains;

        public AuditKeys AuditKeys { get; } = keys;

        public List<List<double>> Rounds { get; } = [];

        public int LogEntries { get; set; }

        public void Dispose() => RowsRead.Dispose();
    }
}
