using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Silo.Audit;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Audit;

/// <summary>A trail written before segments (one row per entry) goes on being verified, queried (by subject too) and appended to.</summary>
[Collection(PlatformCollection.Name)]
public sealed class EarlierLayoutTests(Platform platform)
{
    [Fact]
    public async Task EntriesStoredOneRowEachAreReadAlongsideTheSegmentsThatFollowThem()
    {
        // Arrange: three entries in the earlier layout, with their head
        var partitionKey = $"earlier/{Guid.NewGuid():N}";
        var pk = partitionKey.Replace('/', '-');
        var table = platform.Azurite.Tables.GetTableClient("CustodianAudit");
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var previous = AuditEntry.Genesis;
        for (var sequence = 1L; sequence <= 3; sequence++)
        {
            var entry = AuditEntry.Chain(sequence, new AuditRecord(start.AddSeconds(sequence), "earlier-actor", "Read:x", $"subject:{sequence}", "allowed", "127.0.0.1", "role:app"), previous);
            await table.AddEntityAsync(new TableEntity(pk, AuditSegment.RowKey(sequence))
            {
                ["Sequence"] = entry.Sequence,
                ["At"] = entry.Record.At,
                ["Actor"] = entry.Record.Actor,
                ["Action"] = entry.Record.Action,
                ["Target"] = entry.Record.Target,
                ["Outcome"] = entry.Record.Outcome,
                ["SourceIp"] = entry.Record.SourceIp,
                ["GrantId"] = entry.Record.GrantId,
                ["PreviousHash"] = entry.PreviousHash,
                ["Hash"] = entry.Hash,
            });
            previous = entry.Hash;
        }

        await table.UpsertEntityAsync(StoredTrail.Head(platform.AuditKeys, partitionKey, 3, previous));
        var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(partitionKey);

        // Act: two more entries appended as a segment
        await partition.AppendAsync([
            new AuditRecord(DateTimeOffset.UtcNow, "later-actor", "Read:x", "subject:4", "allowed", "127.0.0.1", "role:app"),
            new AuditRecord(DateTimeOffset.UtcNow, "later-actor", "Read:x", "subject:5", "allowed", "127.0.0.1", "role:app")]);
        var whole = await partition.VerifyAsync();
        var range = await partition.VerifyAsync(start.AddSeconds(2), start.AddSeconds(4));
        var earlier = await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey, new AuditQuery(Actor: "earlier-actor"));
        var afterTwo = await partition.QueryAsync(AuditQuery.All, 2, 10);
        var earlierSubject = await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey, new AuditQuery(Target: "subject:2"));
        var laterSubject = await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey, new AuditQuery(Target: "subject:4"));

        // Assert
        Assert.True(whole.Intact, whole.Reason);
        Assert.Equal(5, whole.Count);
        Assert.True(range.Intact, range.Reason);
        Assert.Equal((2L, 3L), (range.FirstSequence, range.LastSequence));
        Assert.Equal([1L, 2L, 3L], earlier.Select(e => e.Sequence));
        Assert.Equal([3L, 4L, 5L], afterTwo.Entries.Select(e => e.Sequence));
        Assert.Equal([2L], earlierSubject.Select(e => e.Sequence)); // stored before the index: found by scanning
        Assert.Equal([4L], laterSubject.Select(e => e.Sequence)); // appended since: found through the index
    }
}
