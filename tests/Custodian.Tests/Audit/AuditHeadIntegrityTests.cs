using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Security;
using Custodian.Silo.Audit;
using Custodian.Storage;
using Custodian.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Custodian.Tests.Audit;

/// <summary>
/// A partition's head row (sequence, hash) is protected like any state: authenticated, checked for when it is missing,
/// and compared with the pair region's copy when the partition activates. A refused head leaves the stored rows as
/// found, refuses appends and queries, is reported by verification and raises a security alert.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AuditHeadIntegrityTests(Platform platform, ITestOutputHelper output)
{
    private TableClient Own => platform.Azurite.Tables.GetTableClient(StoredTrail.Table);

    private TableClient Pair => platform.PairAzurite.Tables.GetTableClient(StoredTrail.Table);

    public static TheoryData<string, string> ForgedHeads => new()
    {
        { "rolled back, MAC kept", "its head (entry 3) fails its MAC" },
        { "another hash, MAC kept", "its head (entry 6) fails its MAC" },
        { "MAC of another partition", "its head (entry 6) fails its MAC" },
        { "MAC removed", "its head (entry 6) carries no MAC" },
    };

    [Theory]
    [MemberData(nameof(ForgedHeads))]
    public async Task AHeadEditedInTheStoreIsRefusedAndLeftAsFound(string kind, string reason)
    {
        // Arrange: six entries; the head row edited in this region's store (its pair copy is untouched)
        var (key, partition, entries) = await NewPartitionAsync(3, 3);
        var pk = TableAuditStore.Key(key);
        var head = (await Own.GetEntityAsync<TableEntity>(pk, "head")).Value;
        var edited = new TableEntity(head);
        switch (kind)
        {
            case "rolled back, MAC kept":
                (edited["Sequence"], edited["Hash"]) = (3L, entries[2].Hash);
                break;
            case "another hash, MAC kept":
                edited["Hash"] = new string('e', 64);
                break;
            case "MAC of another partition":
                edited["Mac"] = StoredTrail.Head(platform.AuditKeys, key + "x", 6, entries[5].Hash, 1)["Mac"];
                break;
            default:
                edited.Remove("Mac");
                break;
        }

        await Own.UpdateEntityAsync(edited, Azure.ETag.All, TableUpdateMode.Replace);
        var stored = await RowsAsync(Own, pk);
        await DeactivateAsync();

        // Act
        var append = await Assert.ThrowsAsync<StoredStateIntegrityException>(() => partition.AppendAsync([Record("after")]));
        var query = await Assert.ThrowsAsync<StoredStateIntegrityException>(() => partition.QueryAsync(AuditQuery.All, 0, 10));
        var verification = await partition.VerifyAsync();

        // Assert: refused, named, reported; nothing stored changed
        output.WriteLine($"{kind}: {append.Message}");
        Assert.Contains(key, append.Message);
        Assert.Contains(reason, append.Message);
        Assert.Contains(reason, query.Message);
        Assert.False(verification.Intact);
        Assert.Contains(reason, verification.Reason);
        Assert.Equal(6, verification.FirstBadSequence); // the end of the chain as stored, which no sound head names
        Assert.Equal(stored, await RowsAsync(Own, pk));
        await AlertRaisedAsync(key, reason);
    }

    [Fact]
    public async Task AMissingHeadWhileEntriesAreStoredIsRefusedNotAFreshPartition()
    {
        // Arrange: the head row deleted in this region (entries and the pair's copy left)
        var (key, partition, _) = await NewPartitionAsync(4);
        var pk = TableAuditStore.Key(key);
        await Own.DeleteEntityAsync(pk, "head");
        await DeactivateAsync();

        // Act
        var append = await Assert.ThrowsAsync<StoredStateIntegrityException>(() => partition.AppendAsync([Record("after")]));
        var verification = await partition.VerifyAsync();

        // Assert: no entry 1 was chained again over the stored ones
        Assert.Contains("its head is missing while entries are stored", append.Message);
        Assert.Equal((4L, 4L), (verification.Count, verification.FirstBadSequence));
        Assert.Contains("missing", verification.Reason);
        Assert.False((await Own.GetEntityIfExistsAsync<TableEntity>(pk, "head")).HasValue);
        Assert.Single(await StoredRowsAsync(Own, pk), r => r.RowKey.All(char.IsAsciiDigit)); // the one segment, as it was
        await AlertRaisedAsync(key, "its head is missing");
    }

    [Fact]
    public async Task AHeadRolledBackToAnOlderAuthenticOneIsRefusedAgainstThePairsCopyAndRaisesAnAlert()
    {
        // Arrange: the attacker replays the head row stored after the first append (authentic: the MAC is its own) and
        // deletes the second segment, in this region only
        var (key, partition, _) = await NewPartitionAsync(5);
        var pk = TableAuditStore.Key(key);
        var olderHead = (await Own.GetEntityAsync<TableEntity>(pk, "head")).Value;
        await partition.AppendAsync([.. Enumerable.Range(0, 5).Select(i => Record($"second-{i}"))]);
        await Own.DeleteEntityAsync(pk, AuditSegment.RowKey(6));
        await Own.UpsertEntityAsync(olderHead, TableUpdateMode.Replace);
        var pairRows = await RowsAsync(Pair, pk);
        await DeactivateAsync();

        // Act
        var append = await Assert.ThrowsAsync<StoredStateIntegrityException>(() => partition.AppendAsync([Record("after")]));
        var verification = await partition.VerifyAsync();

        // Assert: DATA_LOSS for this region's copy, named with both sequences; the pair's copy untouched
        Assert.Contains("its head is at entry 5, but the pair region eu-north holds the partition up to entry 10", append.Message);
        Assert.Equal((5L, 6L), (verification.Count, verification.FirstBadSequence));
        Assert.Contains("rolled back", verification.Reason);
        Assert.Equal(pairRows, await RowsAsync(Pair, pk));
        await AlertRaisedAsync(key, "rolled back");
    }

    [Fact]
    public async Task ACopyWipedInThisRegionIsRefusedWhileThePairHoldsThePartition()
    {
        // Arrange: every row of the partition deleted here; a fresh, empty partition is what it would look like
        var (key, partition, _) = await NewPartitionAsync(3);
        var pk = TableAuditStore.Key(key);
        foreach (var row in await StoredRowsAsync(Own, pk))
        {
            await Own.DeleteEntityAsync(pk, row.RowKey);
        }

        await DeactivateAsync();

        // Act
        var append = await Assert.ThrowsAsync<StoredStateIntegrityException>(() => partition.AppendAsync([Record("after")]));

        // Assert
        Assert.Contains("no head and no entries are stored in this region, but the pair region eu-north holds the partition up to entry 3", append.Message);
        Assert.Empty(await StoredRowsAsync(Own, pk));
    }

    [Fact]
    public async Task AHeadAheadOfThePairsCopyIsSoundAsAfterACrashBetweenTheTwoWrites()
    {
        // Arrange: the pair's copy stops after the first append, as if the silo died between this region's write
        // of the second and the pair's
        var (key, partition, _) = await NewPartitionAsync(5);
        var pk = TableAuditStore.Key(key);
        var pairHead = (await Pair.GetEntityAsync<TableEntity>(pk, "head")).Value;
        await partition.AppendAsync([.. Enumerable.Range(0, 5).Select(i => Record($"second-{i}"))]);
        await Pair.DeleteEntityAsync(pk, AuditSegment.RowKey(6));
        await Pair.UpsertEntityAsync(pairHead, TableUpdateMode.Replace);
        await DeactivateAsync();

        // Act
        var next = await partition.AppendAsync([Record("after")]);
        var verification = await partition.VerifyAsync();

        // Assert: a good trail stays readable and writable
        Assert.Equal(11, next);
        Assert.True(verification.Intact, verification.Reason);
        Assert.Equal(11, verification.Count);
    }

    [Fact]
    public async Task AHeadStoredWithoutAMacIsAcceptedAndAuthenticatedOnlyWhereUpgradesAreAllowed()
    {
        // Arrange: three entries with a head of the kind stored before heads were authenticated
        var key = $"upgrade/{Guid.NewGuid():N}";
        var pk = TableAuditStore.Key(key);
        var entries = Chain(3);
        await Own.AddEntityAsync(AuditSegment.Encode(pk, entries));
        await Own.AddEntityAsync(new TableEntity(pk, "head") { ["Sequence"] = 3L, ["Hash"] = entries[^1].Hash });
        var strict = new TableAuditStore(Own, platform.AuditKeys);
        var upgrading = new TableAuditStore(Own, platform.AuditKeys, acceptUnauthenticatedHeads: true);

        // Act
        var refused = await strict.OpenAsync(key);
        var accepted = await upgrading.OpenAsync(key);
        var afterwards = await strict.OpenAsync(key);

        // Assert: refused without the upgrade switch; with it, accepted and authenticated, so strict accepts it from then on
        Assert.False(refused.Sound);
        Assert.Contains("carries no MAC", refused.Problem);
        Assert.True(accepted.Sound, accepted.Problem);
        Assert.Equal((3L, entries[^1].Hash, 4L), (accepted.Head!.Value.Sequence, accepted.Head.Value.Hash, accepted.Head.Value.IndexedFrom));
        Assert.True(afterwards.Sound, afterwards.Problem);
        Assert.Equal(accepted.Head, afterwards.Head);
        Assert.NotNull((await Own.GetEntityAsync<TableEntity>(pk, "head")).Value.GetString("Mac"));
    }

    [Fact]
    public async Task ARegionPartitionWithoutItsHeadAnswersDataLossWhileCallsGoOnBeingRecordedInTheOthers()
    {
        // Arrange: an actor's entries in one of the region's partitions, whose head row is then deleted
        var (actor, tenant, subject) = (Platform.NewId("app"), Platform.NewId("acme"), Platform.NewId("subj"));
        await StoredTrail.CallAsync(platform, actor, tenant, subject, calls: 2);
        var audit = platform.Audit("officer");
        var partition = (await audit.QueryTrailAsync(new Custodian.Gateway.Protos.Audit.QueryTrailRequest { Actor = actor })).Entries[0].Partition;
        var pk = TableAuditStore.Key(partition);
        var head = (await Own.GetEntityAsync<TableEntity>(pk, "head")).Value;
        Custodian.Gateway.Protos.Audit.VerifyTrailResponse verification;
        Grpc.Core.RpcException query;
        try
        {
            await Own.DeleteEntityAsync(pk, "head");
            await DeactivateAsync();

            // Act: reading the partition is DATA_LOSS; verification names it; the actor's calls are still recorded (elsewhere)
            query = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await audit.QueryTrailAsync(new Custodian.Gateway.Protos.Audit.QueryTrailRequest { Actor = actor }));
            verification = await platform.Audit("operator").VerifyTrailAsync(new Custodian.Gateway.Protos.Audit.VerifyTrailRequest());
            await StoredTrail.CallAsync(platform, actor, tenant, subject, calls: 2);
        }
        finally
        {
            await Own.UpsertEntityAsync(head, TableUpdateMode.Replace);
            await DeactivateAsync();
        }

        // Assert
        Assert.Equal(Grpc.Core.StatusCode.DataLoss, query.StatusCode);
        Assert.False(verification.Intact);
        var named = Assert.Single(verification.Partitions, p => !p.Intact);
        Assert.Equal(partition, named.Partition);
        Assert.Contains("its head is missing while entries are stored", named.Reason);
        var entries = (await audit.QueryTrailAsync(new Custodian.Gateway.Protos.Audit.QueryTrailRequest { Actor = actor })).Entries;
        Assert.Equal(6, entries.Count); // three before (a put's decision and outcome, a get), three while the partition refused its head
        Assert.All(entries.Take(3), e => Assert.Equal(partition, e.Partition));
        Assert.All(entries.Skip(3), e => Assert.NotEqual(partition, e.Partition));
        await AlertRaisedAsync(partition, "its head is missing");

        // ... and once the head is back the partition takes its actors' records again (the writers try it after a pause)
        await Poll.UntilAsync(async () =>
        {
            var again = Platform.NewId("app");
            await StoredTrail.CallAsync(platform, again, tenant, subject, calls: 1);
            var landed = (await audit.QueryTrailAsync(new Custodian.Gateway.Protos.Audit.QueryTrailRequest { Actor = again })).Entries;
            return landed.All(e => e.Partition == $"{Platform.Region}/{AuditPartitions.Of(again, 4)}") ? true : throw new TimeoutException("still elsewhere");
        }, TimeSpan.FromSeconds(30));
        Assert.True((await platform.Audit("operator").VerifyTrailAsync(new Custodian.Gateway.Protos.Audit.VerifyTrailRequest())).Partitions.All(p => p.Intact));
    }

    /// <summary>A partition of its own with appends of the given sizes; its entries as stored.</summary>
    private async Task<(string Key, IAuditPartitionGrain Grain, List<AuditEntry> Entries)> NewPartitionAsync(params int[] appends)
    {
        var key = $"head/{Guid.NewGuid():N}";
        var grain = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(key);
        foreach (var (size, n) in appends.Select((size, n) => (size, n)))
        {
            await grain.AppendAsync([.. Enumerable.Range(0, size).Select(i => Record($"append-{n}-{i}"))]);
        }

        return (key, grain, await StoredTrail.EntriesAsync(platform.SiloGrains, key));
    }

    private static List<AuditEntry> Chain(int count)
    {
        var entries = new List<AuditEntry>();
        for (var i = 1; i <= count; i++)
        {
            entries.Add(AuditEntry.Chain(i, Record($"earlier-{i}"), i == 1 ? AuditEntry.Genesis : entries[^1].Hash));
        }

        return entries;
    }

    private static AuditRecord Record(string actor) => new(DateTimeOffset.UtcNow, actor, "Read:x", "subject:x", "allowed", "127.0.0.1", "role:app");

    /// <summary>Deactivates every idle grain, so the partition reads its head from the store again.</summary>
    private Task DeactivateAsync() => platform.SiloGrains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    private static async Task<List<TableEntity>> StoredRowsAsync(TableClient table, string pk)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Every row of the partition, as comparable text (keys and every value but the timestamp).</summary>
    private static async Task<List<string>> RowsAsync(TableClient table, string pk) =>
        [.. (await StoredRowsAsync(table, pk)).Select(r => string.Join(";", r.Where(p => p.Key is not ("Timestamp" or "odata.etag"))
            .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={(p.Value is byte[] b ? Convert.ToBase64String(b) : p.Value)}")))];

    /// <summary>Waits for the security alert of the finding, naming the partition.</summary>
    private async Task AlertRaisedAsync(string partition, string finding)
    {
        var alerts = platform.SiloGrains.GetGrain<ISecurityAlertsGrain>(Platform.Region);
        var alert = await Poll.UntilAsync(async () =>
            (await alerts.ListAsync(null, 1000)).FirstOrDefault(a => a.Rule == "audit-tamper" && a.Detail.Contains(partition, StringComparison.Ordinal) && a.Detail.Contains(finding, StringComparison.Ordinal))
            ?? throw new TimeoutException("no alert yet"), TimeSpan.FromSeconds(20));
        output.WriteLine($"alert {alert.Rule}: {alert.Detail}");
    }
}
