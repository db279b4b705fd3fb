using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Audit;

/// <summary>Verification of a partition of its own, at the grain: ranges over writers' disagreeing clocks, and the chain's end.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AuditRangeVerificationTests(Platform platform)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ARangeWhoseWritersClocksDisagreeIsCheckedEntryByEntryFromFirstToLast()
    {
        // Arrange: entry 4 was written by a gateway whose clock is behind, so its time lies before the range
        var (partitionKey, partition) = NewPartition();
        await partition.AppendAsync([.. new[] { 0.0, 1, 2, 0.5, 3, 10 }.Select(s => Record(Start.AddSeconds(s)))]);
        var (from, until) = (Start.AddSeconds(1), Start.AddSeconds(5));

        // Act
        var intact = await partition.VerifyAsync(from, until);
        AuditVerification withSkewedGone, withSuccessorGone;
        await using (await StoredTrail.DeleteAsync(Table(), partitionKey, 4))
        {
            withSkewedGone = await partition.VerifyAsync(from, until);
        }

        await using (await StoredTrail.DeleteAsync(Table(), partitionKey, 6))
        {
            withSuccessorGone = await partition.VerifyAsync(from, until);
        }

        // Assert
        Assert.True(intact.Intact, intact.Reason);
        Assert.Equal((4L, 2L, 5L), (intact.Count, intact.FirstSequence, intact.LastSequence));
        Assert.Equal((4L, "the entry's sequence does not match its position"), (withSkewedGone.FirstBadSequence, withSkewedGone.Reason)); // entry 5 moved up into its place
        Assert.Equal(6L, withSuccessorGone.FirstBadSequence);
    }

    [Fact]
    public async Task AnEntryAppendedBehindThePartitionsBackIsCaughtEvenWhenItsLinkAndHashAreRight()
    {
        // Arrange: a forger who knows the chain (it is not secret) computes a perfect next entry and stores it
        var (partitionKey, partition) = NewPartition();
        await partition.AppendAsync([Record(Start), Record(Start.AddSeconds(1))]);
        var last = (await StoredTrail.EntriesAsync(platform.SiloGrains, partitionKey))[^1];
        var forged = AuditEntry.Chain(3, Record(Start.AddSeconds(2)) with { Actor = "forger" }, last.Hash);
        await StoredTrail.ForgeSegmentAsync(Table(), partitionKey, [forged]);

        // Act
        var verification = await partition.VerifyAsync();

        // Assert
        Assert.Equal(3L, verification.FirstBadSequence);
        Assert.Contains("beyond the head", verification.Reason, StringComparison.Ordinal);
    }

    private (string Key, IAuditPartitionGrain Grain) NewPartition()
    {
        var key = $"range/{Guid.NewGuid():N}";
        return (key, platform.SiloGrains.GetGrain<IAuditPartitionGrain>(key));
    }

    private static AuditRecord Record(DateTimeOffset at) => new(at, "actor-range", "Read:x", "subject:range", "allowed", "127.0.0.1", "role:app");

    private TableClient Table() => platform.Azurite.Tables.GetTableClient(StoredTrail.Table);
}
