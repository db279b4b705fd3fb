using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Silo.Audit;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Audit;

/// <summary>
/// The trail's index by data subject, in the store: written with each segment, split when a batch names more
/// subjects than one table transaction takes, only a pointer when forged or deleted, and scanning only the
/// segments stored before it existed.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SubjectIndexTests(Platform platform)
{
    private TableClient Table => platform.Azurite.Tables.GetTableClient(StoredTrail.Table);

    [Fact]
    public async Task ABatchNamingMoreSubjectsThanOneTransactionTakesIsStoredInPartsAndEachSubjectFindsItsEntries()
    {
        // Arrange: a partition with one segment already, then a full batch of 99 entries of 99 subjects
        var partitionKey = $"index-split/{Guid.NewGuid():N}";
        var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(partitionKey);
        var tenant = Platform.NewId("tenant");
        var subjects = Enumerable.Range(0, 99).Select(i => platform.AuditKeys.Subject(tenant, $"s{i}")).ToList();
        await partition.AppendAsync([Record("first", subjects[0]), Record("first", subjects[1])]);

        // Act
        var last = await partition.AppendAsync([.. subjects.Select(s => Record("batch", s))]);

        // Assert: a segment of 98 and one of 1 after the first, each with its index rows; one intact chain
        Assert.Equal(101, last);
        var rows = await RowsAsync(partitionKey);
        Assert.Equal(["0000000000000000001", "0000000000000000003", "0000000000000000101"], rows.Where(r => IsSegment(r.RowKey)).Select(r => r.RowKey));
        Assert.Equal(2 + 98 + 1, rows.Count(r => r.RowKey.StartsWith("x-", StringComparison.Ordinal)));
        var verification = await partition.VerifyAsync();
        Assert.True(verification.Intact, verification.Reason);
        Assert.Equal(101, verification.Count);
        foreach (var (subject, i) in subjects.Select((s, i) => (s, i)))
        {
            var found = await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey, new AuditQuery(Target: subject));
            var expected = i < 2 ? new[] { i + 1L, i + 3L } : [i + 3L];
            Assert.Equal(expected, found.Select(e => e.Sequence));
            Assert.All(found, e => Assert.Equal(subject, e.Record.Target));
        }
    }

    [Fact]
    public async Task WhenALaterPartOfASplitBatchFailsThePartsBeforeItStayAndTheNextAppendChainsAfterThem()
    {
        // Arrange: one entry stored, and a row planted where the second part of the next batch goes (sequence 100)
        var partitionKey = $"index-partial/{Guid.NewGuid():N}";
        var pk = TableAuditStore.Key(partitionKey);
        var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(partitionKey);
        var tenant = Platform.NewId("tenant");
        var subjects = Enumerable.Range(0, 99).Select(i => platform.AuditKeys.Subject(tenant, $"s{i}")).ToList();
        await partition.AppendAsync([Record("first", platform.AuditKeys.Subject(tenant, "first"))]);
        await Table.AddEntityAsync(new TableEntity(pk, AuditSegment.RowKey(100)) { ["Planted"] = true });

        // Act: the batch's first part (2 to 99) lands, its second (100) cannot
        await Assert.ThrowsAnyAsync<Exception>(() => partition.AppendAsync([.. subjects.Select(s => Record("batch", s))]));
        var storedHead = (await Table.GetEntityAsync<TableEntity>(pk, "head")).Value;
        await Table.DeleteEntityAsync(pk, AuditSegment.RowKey(100));
        var next = await partition.AppendAsync([Record("next", platform.AuditKeys.Subject(tenant, "next"))]);

        // Assert: the head names the stored part; the next append chains after it; the chain is whole
        Assert.Equal(99, storedHead.GetInt64("Sequence"));
        Assert.Equal(100, next);
        var verification = await partition.VerifyAsync();
        Assert.True(verification.Intact, verification.Reason);
        Assert.Equal(100, verification.Count);
        Assert.Equal([51L], (await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey, new AuditQuery(Target: subjects[49]))).Select(e => e.Sequence));
        Assert.Empty(await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey, new AuditQuery(Target: subjects[98])));
        Assert.Equal([100L], (await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey, new AuditQuery(Target: platform.AuditKeys.Subject(tenant, "next")))).Select(e => e.Sequence));
    }

    [Fact]
    public async Task ForgedIndexRowsShowNoForeignEntryAndDeletedOnesLeaveVerificationIntact()
    {
        // Arrange: subjects A and B in three segments (A at 1 and 4, B at 2, 3 and 5)
        var partitionKey = $"index-forged/{Guid.NewGuid():N}";
        var pk = TableAuditStore.Key(partitionKey);
        var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(partitionKey);
        var tenant = Platform.NewId("tenant");
        var (a, b) = (platform.AuditKeys.Subject(tenant, "a"), platform.AuditKeys.Subject(tenant, "b"));
        await partition.AppendAsync([Record("x", a), Record("x", b)]);
        await partition.AppendAsync([Record("x", b)]);
        await partition.AppendAsync([Record("x", a), Record("x", b)]);
        var query = new AuditQuery(Target: a);
        var genuine = await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey, query);

        // Act: index rows of A forged to name B's segment, a key inside a segment (no row), a segment forged
        // beyond the head (holding an entry of A), and a key that is no segment's
        foreach (var rowKey in new[] { AuditSubjectIndex.RowKey(a, 3), AuditSubjectIndex.RowKey(a, 2), AuditSubjectIndex.RowKey(a, 6), AuditSubjectIndex.RowKey(a, 1) + "9" })
        {
            await Table.UpsertEntityAsync(new TableEntity(pk, rowKey) { [AuditSubjectIndex.Through] = 99L });
        }

        await StoredTrail.ForgeSegmentAsync(Table, partitionKey, [AuditEntry.Chain(6, Record("forger", a), new string('0', 64))]);
        var withForgeries = await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey, query);
        var pagedWithForgeries = await partition.QueryAsync(query, 1, 1);
        await Table.DeleteEntityAsync(pk, AuditSegment.RowKey(6));

        // ...then every index row of the partition deleted
        foreach (var row in (await RowsAsync(partitionKey)).Where(r => r.RowKey.StartsWith("x-", StringComparison.Ordinal)))
        {
            await Table.DeleteEntityAsync(pk, row.RowKey);
        }

        var withoutIndex = await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey, query);
        var verification = await partition.VerifyAsync();

        // Assert: only A's own entries, from the chain; without the index some may be missed, none added
        Assert.Equal([1L, 4L], genuine.Select(e => e.Sequence));
        Assert.Equal(genuine, withForgeries);
        Assert.Equal([4L], pagedWithForgeries.Entries.Select(e => e.Sequence));
        Assert.False(pagedWithForgeries.More);
        Assert.Empty(withoutIndex);
        Assert.True(verification.Intact, verification.Reason);
        Assert.Equal(5, verification.Count);
    }

    [Fact]
    public async Task EntriesStoredBeforeTheIndexAreFoundByScanningOnlyTheSegmentsStoredBeforeIt()
    {
        // Arrange: two segments and a head as the store wrote them before the index (no index rows, no IndexedFrom)
        var partitionKey = $"index-earlier/{Guid.NewGuid():N}";
        var pk = TableAuditStore.Key(partitionKey);
        var tenant = Platform.NewId("tenant");
        var (a, b, c) = (platform.AuditKeys.Subject(tenant, "a"), platform.AuditKeys.Subject(tenant, "b"), platform.AuditKeys.Subject(tenant, "c"));
        var earlier = new List<AuditEntry>();
        foreach (var target in new[] { a, b, b, a, b })
        {
            earlier.Add(AuditEntry.Chain(earlier.Count + 1, Record("earlier", target), earlier.Count == 0 ? AuditEntry.Genesis : earlier[^1].Hash));
        }

        await Table.AddEntityAsync(AuditSegment.Encode(pk, earlier[..3]));
        await Table.AddEntityAsync(AuditSegment.Encode(pk, earlier[3..]));
        await Table.AddEntityAsync(StoredTrail.Head(platform.AuditKeys, partitionKey, 5, earlier[^1].Hash));
        var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(partitionKey);
        using var rowsRead = new AuditRowsRead(platform.SiloServices);

        // Act: appends after the upgrade are indexed; a query by subject reads the earlier segments and the indexed ones
        await partition.AppendAsync([Record("later", a), Record("later", c)]);
        rowsRead.Take();
        var foundA = await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey, new AuditQuery(Target: a));
        var readForA = rowsRead.Take();
        for (var i = 0; i < 10; i++)
        {
            await partition.AppendAsync([.. Enumerable.Range(0, 20).Select(j => Record("other", platform.AuditKeys.Subject(tenant, $"other-{i}-{j}")))]);
        }

        rowsRead.Take();
        var foundC = await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey, new AuditQuery(Target: c));
        var readForC = rowsRead.Take();
        var head = (await Table.GetEntityAsync<TableEntity>(pk, "head")).Value;

        // Assert: every entry found; the head records where the index starts; only the earlier segments are scanned
        Assert.Equal([1L, 4L, 6L], foundA.Select(e => e.Sequence));
        Assert.Equal([7L], foundC.Select(e => e.Sequence));
        Assert.Equal(6, head.GetInt64("IndexedFrom"));
        Assert.Equal((3L, 1L), readForA); // the two earlier segments, and the one the index names
        Assert.Equal((3L, 1L), readForC); // the same, although ten more segments followed
        var verification = await partition.VerifyAsync();
        Assert.True(verification.Intact, verification.Reason);
        Assert.Equal(207, verification.Count);
    }

    private static AuditRecord Record(string actor, string target) =>
        new(DateTimeOffset.UtcNow, actor, "Read:/custodian.subjects.v1.Subjects/GetRecord", target, "allowed", "127.0.0.1", "role:app");

    private static bool IsSegment(string rowKey) => rowKey.All(char.IsAsciiDigit);

    private async Task<List<TableEntity>> RowsAsync(string partitionKey)
    {
        var pk = TableAuditStore.Key(partitionKey);
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk}")))
        {
            rows.Add(row);
        }

        return rows;
    }
}
