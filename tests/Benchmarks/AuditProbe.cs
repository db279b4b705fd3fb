using System.Diagnostics;
using Custodian.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Custodian.Benchmarks;

/// <summary>
/// One audit record's append, one caller, through each layer in turn, in an in-process silo over in-memory Azurites:
/// the silo's writer (<see cref="IAuditTrail"/>: group commit, then the partition grain), the partition grain's
/// <c>AppendAsync</c> (a grain call, then the store), and the store alone (this region's transaction of segment, index
/// row and head, then the pair's copy): what of an audited call's latency is the storage and what the layers above it.
/// </summary>
internal static class AuditProbe
{
    public static async Task RunAsync()
    {
        await using var cluster = await BenchCluster.StartAsync(inMemoryAzurite: true);
        var silo = cluster.Silo("eu-west");
        var trail = silo.GetRequiredService<IAuditTrail>();
        var store = silo.GetRequiredService<IAuditStore>();
        var grains = silo.GetRequiredService<IGrainFactory>();
        var keys = cluster.AuditKeys;
        AuditRecord Record(int i) => new(DateTimeOffset.UtcNow, "probe", "Read:/probe", keys.Subject("acme", $"s{i}"), "allowed", "127.0.0.1", "g", "support");
        async Task Time(string name, Func<int, Task> op)
        {
            for (var i = 0; i < 50; i++)
            {
                await op(i);
            }

            var l = new List<double>();
            for (var i = 0; i < 200; i++) { var sw = Stopwatch.StartNew(); await op(i); l.Add(sw.Elapsed.TotalMilliseconds); }
            l.Sort();
            Console.WriteLine($"{name,-40} p50 {l[100]:F2} ms  p90 {l[180]:F2} ms");
        }

        long seq = 1_000_000;
        var head = AuditEntry.Genesis;
        for (var round = 0; round < 2; round++)
        {
            await Time("IAuditTrail.WriteAsync (silo's writer)", i => trail.WriteAsync([Record(i)]));
            await Time("partition grain AppendAsync", i => grains.GetGrain<IAuditPartitionGrain>(AuditPartitions.Name("eu-west", 1)).AppendAsync([Record(i)]));
            await Time("IAuditStore.AppendAsync (probe partition)", async i =>
            {
                var e = AuditEntry.Chain(++seq, Record(i), head);
                head = e.Hash;
                await store.AppendAsync("eu-west/probe", [e], 0);
            });
        }
    }
}
