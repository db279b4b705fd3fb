using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Gateway.Protos.Audit;
using Custodian.Silo.Audit;
using Custodian.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Custodian.Tests.Audit;

/// <summary>
/// Signed checkpoints of a partition's head, in the pair region: what an attacker with access to both regions' trails
/// can still not undo. Cutting the tail off and rolling both heads back to an older authentic one passes the head
/// checks; the checkpoint shows the truncation, and a tail written over the cut shows as rewritten.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AuditCheckpointTests(Platform platform, ITestOutputHelper output)
{
    private TableClient Own => platform.Azurite.Tables.GetTableClient(StoredTrail.Table);

    private TableClient Pair => platform.PairAzurite.Tables.GetTableClient(StoredTrail.Table);

    private TableClient PairCheckpoints => platform.PairAzurite.Tables.GetTableClient("CustodianCheckpoints");

    private TableClient OwnCheckpoints => platform.Azurite.Tables.GetTableClient("CustodianCheckpoints");

    [Fact]
    public async Task ATruncatedTailWithBothHeadsRolledBackIsReportedAsATruncationAgainstTheCheckpoint()
    {
        // Arrange: ten entries, checkpointed; then the second append cut off in both regions and both heads put back to
        // the one stored after the first (authentic: its MAC is its own), so the heads agree and the chain is sound
        var (key, partition) = await CheckpointedPartitionAsync();
        var checkpoint = await PairCheckpointAsync(key);
        await DeactivateAsync();
        var stored = await StoredTrailRowsAsync(key);

        // Act
        var verification = await partition.VerifyAsync();
        var retaken = await partition.CheckpointAsync();

        // Assert: the truncation, named as such, with where it starts and what the checkpoint records
        output.WriteLine($"{verification.Tail} at {verification.FirstBadSequence}: {verification.Reason}");
        Assert.Equal(AuditTailCheck.Truncated, verification.Tail);
        Assert.Equal((5L, 6L), (verification.Count, verification.FirstBadSequence));
        Assert.StartsWith("truncated: the stored trail ends at entry 5", verification.Reason);
        Assert.Contains("in eu-north records entry 10", verification.Reason);
        Assert.Equal((10L, checkpoint.Hash, "eu-north"), (verification.Checkpoint!.Sequence, verification.Checkpoint.Hash, verification.CheckpointSource));
        Assert.Equal("", verification.Signature);

        // ... verification changed nothing, and the partition's next checkpoint (at 5) does not replace the evidence
        Assert.Equal(stored, await StoredTrailRowsAsync(key));
        Assert.Equal(5, retaken!.Sequence);
        Assert.Equal(checkpoint, await PairCheckpointAsync(key));
    }

    [Fact]
    public async Task ATailWrittenOverTheCutIsReportedAsRewrittenThoughItsChainAndHeadsAreSound()
    {
        // Arrange: as above, and then the partition appends again from the rolled-back head: a consistent chain, recomputed
        // after entry 5, with an authentic head the pair agrees with (no one without the key could forge that head)
        var (key, partition) = await CheckpointedPartitionAsync();
        var checkpoint = await PairCheckpointAsync(key);
        await DeactivateAsync();
        await partition.AppendAsync([.. Enumerable.Range(0, 7).Select(i => Record($"over-{i}"))]);

        // Act
        var verification = await partition.VerifyAsync();
        var range = await partition.VerifyAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
        await partition.CheckpointAsync(); // at 12: refused, the evidence kept
        await DeactivateAsync(); // and again on the way out

        // Assert: the chain alone is sound; the checkpoint says the tail was rewritten at its entry
        output.WriteLine($"{verification.Tail} at {verification.FirstBadSequence}: {verification.Reason}");
        Assert.True(range.Intact, range.Reason);
        Assert.Equal(12, range.LastSequence);
        Assert.Equal(AuditTailCheck.Rewritten, verification.Tail);
        Assert.Equal((9L, 10L), (verification.Count, verification.FirstBadSequence));
        Assert.StartsWith("rewritten tail: entry 10 is not the entry the checkpoint of", verification.Reason);
        Assert.Equal(checkpoint, await PairCheckpointAsync(key));
        Assert.Equal(AuditTailCheck.Rewritten, (await partition.VerifyAsync()).Tail);
    }

    [Fact]
    public async Task AForgedOrMovedCheckpointIsIgnoredAndCountedAndTheNextTrueOneReplacesTheForgery()
    {
        // Arrange: a partition checkpointed at 3; its checkpoint in the pair forged (a later sequence, a MAC of nothing),
        // and in this region a true checkpoint of another partition put under its key
        var key = $"checkpoint/{Guid.NewGuid():N}";
        var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(key);
        await partition.AppendAsync([.. Enumerable.Range(0, 3).Select(i => Record($"a-{i}"))]);
        await partition.CheckpointAsync();
        var forged = await PairCheckpointAsync(key) with { Sequence = 50, Mac = new string('0', 64) };
        await PairCheckpoints.UpsertEntityAsync(AuditCheckpointRows.ToEntity(forged), TableUpdateMode.Replace);
        var other = platform.SiloGrains.GetGrain<IAuditPartitionGrain>($"checkpoint/{Guid.NewGuid():N}");
        await other.AppendAsync([Record("other")]);
        var moved = AuditCheckpointRows.ToEntity((await other.CheckpointAsync())!);
        moved.PartitionKey = TableAuditStore.Key(key);
        await OwnCheckpoints.CreateIfNotExistsAsync();
        await OwnCheckpoints.UpsertEntityAsync(moved, TableUpdateMode.Replace);

        // Act
        var withForgeries = await partition.VerifyAsync();
        await partition.CheckpointAsync();
        var afterwards = await partition.VerifyAsync();

        // Assert: both ignored and counted, the trail itself intact; the next true checkpoint replaced the forged one
        Assert.True(withForgeries.Intact, withForgeries.Reason);
        Assert.Equal((2, AuditTailCheck.NoCheckpoint), (withForgeries.ForgedCheckpoints, withForgeries.Tail));
        Assert.Equal((1, AuditTailCheck.Matches, 3L), (afterwards.ForgedCheckpoints, afterwards.Tail, afterwards.Checkpoint!.Sequence));
        Assert.True(AuditCheckpointRows.IsAuthentic(platform.AuditKeys, await PairCheckpointAsync(key)));
    }

    [Fact]
    public async Task VerifyOverGrpcAndTheCliShowsEachTailAgainstItsCheckpointAndAForgedCheckpointFailsIt()
    {
        // Arrange: every partition of the region checkpointed now
        await StoredTrail.CallAsync(platform, Platform.NewId("app"), Platform.NewId("acme"), Platform.NewId("subj"), calls: 2);
        var (checkpoints, failed) = await platform.Trail.CheckpointsAsync();
        var audit = platform.Audit("operator");
        var token = platform.Token(null, "operator");

        // Act
        var checkedResponse = await audit.VerifyTrailAsync(new VerifyTrailRequest());
        var checkedCli = await CliRunner.RunAsync(CliRunner.Against(platform, token, "audit", "verify"));
        var victim = checkpoints[0].Partition;
        var (pk, rk) = AuditCheckpointRows.Address(victim);
        var genuine = (await PairCheckpoints.GetEntityAsync<TableEntity>(pk, rk)).Value;
        VerifyTrailResponse forgedResponse;
        (int ExitCode, string Output, string Error) forgedCli;
        try
        {
            await PairCheckpoints.UpsertEntityAsync(new TableEntity(genuine) { ["Mac"] = new string('1', 64) }, TableUpdateMode.Replace);
            forgedResponse = await audit.VerifyTrailAsync(new VerifyTrailRequest());
            forgedCli = await CliRunner.RunAsync(CliRunner.Against(platform, token, "audit", "verify"));
        }
        finally
        {
            await PairCheckpoints.UpsertEntityAsync(genuine, TableUpdateMode.Replace);
        }

        // Assert: each partition with entries matches its checkpoint, from the pair region
        output.WriteLine(checkedCli.Output);
        output.WriteLine(forgedCli.Output);
        Assert.Equal(0, failed);
        Assert.True(checkedResponse.Intact);
        Assert.All(checkedResponse.Partitions.Where(p => checkpoints.Any(c => c.Partition == p.Partition)), p =>
        {
            Assert.Equal((TailCheck.Matches, "eu-north", 0), (p.Tail, p.CheckpointSource, p.ForgedCheckpoints));
            Assert.InRange(p.CheckpointSequence, checkpoints.Single(c => c.Partition == p.Partition).Sequence, p.LastSequence); // or a later one since
        });
        Assert.Equal(0, checkedCli.ExitCode);
        Assert.Contains("TAIL", checkedCli.Output);
        Assert.Contains("matches", checkedCli.Output);

        // ... a forged checkpoint is ignored, counted, and fails the verification (the trail itself is intact)
        var forgedPartition = Assert.Single(forgedResponse.Partitions, p => p.Partition == victim);
        Assert.True(forgedPartition.Intact, forgedPartition.Reason);
        Assert.Equal((1, TailCheck.NoCheckpoint), (forgedPartition.ForgedCheckpoints, forgedPartition.Tail));
        Assert.False(forgedResponse.Intact);
        Assert.Equal(3, forgedCli.ExitCode);
        Assert.Contains("1 FORGED checkpoint(s) ignored", forgedCli.Output);
    }

    /// <summary>
    /// A partition of its own with two appends of five, checkpointed at 10 in the pair region; then cut back to the first
    /// append in both regions, with the head stored after it put back in both.
    /// </summary>
    private async Task<(string Key, IAuditPartitionGrain Grain)> CheckpointedPartitionAsync()
    {
        var key = $"checkpoint/{Guid.NewGuid():N}";
        var pk = TableAuditStore.Key(key);
        var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(key);
        await partition.AppendAsync([.. Enumerable.Range(0, 5).Select(i => Record($"first-{i}"))]);
        var (ownHead, pairHead) = ((await Own.GetEntityAsync<TableEntity>(pk, "head")).Value, (await Pair.GetEntityAsync<TableEntity>(pk, "head")).Value);
        await partition.AppendAsync([.. Enumerable.Range(0, 5).Select(i => Record($"second-{i}"))]);
        var checkpoint = await partition.CheckpointAsync();
        Assert.Equal(10, checkpoint!.Sequence);

        foreach (var (table, head) in new[] { (Own, ownHead), (Pair, pairHead) })
        {
            await table.DeleteEntityAsync(pk, AuditSegment.RowKey(6));
            await table.UpsertEntityAsync(head, TableUpdateMode.Replace);
        }

        return (key, partition);
    }

    private async Task<AuditCheckpoint> PairCheckpointAsync(string partition)
    {
        var (pk, rk) = AuditCheckpointRows.Address(partition);
        return AuditCheckpointRows.FromEntity((await PairCheckpoints.GetEntityAsync<TableEntity>(pk, rk)).Value)!;
    }

    private async Task<List<string>> StoredTrailRowsAsync(string partition)
    {
        var rows = new List<string>();
        foreach (var table in new[] { Own, Pair })
        {
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableAuditStore.Key(partition)}")))
            {
                rows.Add($"{row.RowKey}:{row.ETag}");
            }
        }

        return rows;
    }

    private static AuditRecord Record(string actor) => new(DateTimeOffset.UtcNow, actor, "Read:x", "subject:x", "allowed", "127.0.0.1", "role:app");

    /// <summary>Deactivates every idle grain, so the partition reads its head from the store again.</summary>
    private Task DeactivateAsync() => platform.SiloGrains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
}
