using Custodian.Audit;
using Custodian.Hosting;
using Custodian.Silo.Audit;
using Custodian.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Custodian.Tests.Audit;

[Collection(PlatformCollection.Name)]
public sealed class ConcurrentWriterTests(Platform platform, ITestOutputHelper output)
{
    [Fact]
    public async Task WritersOnTwoSilosAppendingAtOnceLeaveOneUnbrokenChainPerPartition()
    {
        // Arrange: a cluster of two silos over the platform's Azurite; writers on both silos
        await using var cluster = await InProcessCluster.StartAsync(platform, silos: 2);
        var factories = Enumerable.Range(0, cluster.SiloCount).Select(cluster.Grains).ToArray();
        var trail = $"multi-{Guid.NewGuid():N}";
        const int Partitions = 4, WritersPerSiloAndPartition = 3, Batches = 20;

        // Act: 2 silos x 4 partitions x 3 writers, each appending 20 batches of 1 to 5 records
        var appended = await Task.WhenAll(
            from silo in Enumerable.Range(0, factories.Length)
            from partition in Enumerable.Range(0, Partitions)
            from writer in Enumerable.Range(0, WritersPerSiloAndPartition)
            select Task.Run(async () =>
            {
                var grain = factories[silo].GetGrain<IAuditPartitionGrain>($"{trail}/{partition}");
                var count = 0;
                for (var b = 0; b < Batches; b++)
                {
                    var size = 1 + ((writer + b) % 5);
                    await grain.AppendAsync([.. Enumerable.Range(0, size).Select(i =>
                        new AuditRecord(DateTimeOffset.UtcNow, $"silo{silo}-writer{writer}", "Read:x", $"subject:{b}-{i}", "allowed", "127.0.0.1", "role:app"))]);
                    count += size;
                }

                return (Partition: partition, Count: count);
            }));

        // Assert: each partition holds exactly what was appended to it, in one chain
        foreach (var partition in Enumerable.Range(0, Partitions))
        {
            var expected = appended.Where(a => a.Partition == partition).Sum(a => a.Count);
            var verification = await factories[partition % 2].GetGrain<IAuditPartitionGrain>($"{trail}/{partition}").VerifyAsync();
            output.WriteLine($"partition {partition}: {verification.Count} entries (expected {expected}), intact: {verification.Intact}");
            Assert.True(verification.Intact, verification.Reason);
            Assert.Equal(expected, verification.Count);
        }
    }

    [Fact]
    public async Task TwoWritersChainingFromTheSameHeadCannotBothLand()
    {
        // Arrange: a split brain at the store: two writers read the same head and append after it
        var keys = AuditKeys.Load(new AuditOptions { KeyFile = Path.Combine(platform.SecretsFolder, "audit.key") });
        var table = platform.Azurite.Tables.GetTableClient("CustodianAudit");
        var (left, right) = (new TableAuditStore(table, keys), new TableAuditStore(table, keys));
        var partition = $"split-{Guid.NewGuid():N}/0";
        var first = AuditEntry.Chain(1, new AuditRecord(DateTimeOffset.UtcNow, "a", "Read:x", "subject:1", "allowed", "127.0.0.1", ""), AuditEntry.Genesis);
        await left.AppendAsync(partition, [first], indexedFrom: 1);
        var fromLeft = AuditEntry.Chain(2, new AuditRecord(DateTimeOffset.UtcNow, "left", "Read:x", "subject:2", "allowed", "127.0.0.1", ""), first.Hash);
        var fromRight = AuditEntry.Chain(2, new AuditRecord(DateTimeOffset.UtcNow, "right", "Read:x", "subject:3", "allowed", "127.0.0.1", ""), first.Hash);

        // Act
        var results = await Task.WhenAll(
            Task.Run(async () => { try { await left.AppendAsync(partition, [fromLeft], indexedFrom: 1); return true; } catch (Azure.RequestFailedException) { return false; } }),
            Task.Run(async () => { try { await right.AppendAsync(partition, [fromRight], indexedFrom: 1); return true; } catch (Azure.RequestFailedException) { return false; } }));

        // Assert
        Assert.Single(results, landed => landed);
        var verification = await platform.SiloGrains.GetGrain<IAuditPartitionGrain>(partition).VerifyAsync();
        Assert.True(verification.Intact, verification.Reason);
        Assert.Equal(2, verification.Count);
    }
}
