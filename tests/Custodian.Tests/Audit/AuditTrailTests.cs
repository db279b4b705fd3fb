using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Silo.Audit;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using Xunit.Abstractions;

namespace Custodian.Tests.Audit;

[Collection(PlatformCollection.Name)]
public sealed class AuditTrailTests(Platform platform, ITestOutputHelper output)
{
    [Fact]
    public async Task EveryDecisionIsChainedWithWhatAllowedItAndNoSubjectInClear()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        var app = Platform.NewId("app");
        var client = platform.SubjectsAs(app, tenant, "app");

        // Act
        await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact($"{subject}@example.org") });
        await client.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "contact" });
        await Assert.ThrowsAsync<RpcException>(async () => await client.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = "someone-else", SubjectId = subject, Category = "contact" }));

        // Assert
        var entries = await platform.AuditEntriesAsync(new AuditQuery(Actor: app));
        var verifications = await platform.Trail.VerifyAsync();
        Assert.Equal(["allowed", "done", "allowed", "denied"], entries.Select(e => e.Record.Outcome));
        Assert.Equal(["Write:/custodian.subjects.v1.Subjects/PutRecord", "Write:/custodian.subjects.v1.Subjects/PutRecord", "Read:/custodian.subjects.v1.Subjects/GetRecord", "Read:/custodian.subjects.v1.Subjects/GetRecord"],
            entries.Select(e => e.Record.Action));
        Assert.Equal(["role:app", "role:app", "role:app", ""], entries.Select(e => e.Record.GrantId));
        Assert.All(entries, e => Assert.StartsWith("subject:", e.Record.Target));
        Assert.All(entries, e => Assert.DoesNotContain(subject, e.Record.Target));
        Assert.Equal(entries[0].Record.Target, entries[1].Record.Target); // the same subject correlates
        Assert.All(verifications, v => Assert.True(v.Intact, v.Reason));
        Assert.All(verifications.Where(v => v.Count > 0), v => Assert.Equal(64, v.Signature.Length));
        Assert.True(await AuditStoreText.ContainsAsync(platform.Azurite.Tables, app)); // the search finds what is there...
        Assert.False(await AuditStoreText.ContainsAsync(platform.Azurite.Tables, subject)); // ...and no subject in clear
    }

    [Fact]
    public async Task ModifiedDeletedReorderedAndInsertedEntriesAreAllDetectedAtTheFirstBadOne()
    {
        // Arrange: a partition of its own with 20 entries in two stored segments (two appends of 10)
        var partitionKey = $"tamper/{Guid.NewGuid():N}";
        var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(partitionKey);
        foreach (var batch in Enumerable.Range(1, 20).Chunk(10))
        {
            await partition.AppendAsync([.. batch.Select(i => new AuditRecord(DateTimeOffset.UtcNow, $"actor-{i}", "Read:x", $"subject:{i}", "allowed", "127.0.0.1", "role:app"))]);
        }

        var table = platform.Azurite.Tables.GetTableClient("CustodianAudit");
        var pk = partitionKey.Replace('/', '-');
        var original = await SegmentsAsync(table, pk);
        Assert.Equal(2, original.Count);
        Assert.True((await partition.VerifyAsync()).Intact);

        var campaign = new List<(string Kind, long Expected, Func<List<AuditEntry>, List<AuditEntry>> Tamper)>();
        foreach (var k in new long[] { 1, 7, 20 })
        {
            campaign.Add(("modify actor", k, e => Change(e, k, x => x with { Record = x.Record with { Actor = x.Record.Actor + "x" } })));
            campaign.Add(("modify action", k, e => Change(e, k, x => x with { Record = x.Record with { Action = x.Record.Action + "x" } })));
            campaign.Add(("modify target", k, e => Change(e, k, x => x with { Record = x.Record with { Target = x.Record.Target + "x" } })));
            campaign.Add(("modify outcome", k, e => Change(e, k, x => x with { Record = x.Record with { Outcome = "denied" } })));
            campaign.Add(("modify source", k, e => Change(e, k, x => x with { Record = x.Record with { SourceIp = "10.0.0.1" } })));
            campaign.Add(("modify grant", k, e => Change(e, k, x => x with { Record = x.Record with { GrantId = "grant-x" } })));
            campaign.Add(("modify time", k, e => Change(e, k, x => x with { Record = x.Record with { At = x.Record.At.AddSeconds(1) } })));
            campaign.Add(("modify hash", k, e => Change(e, k, x => x with { Hash = new string('a', 64) })));
            campaign.Add(("modify previous hash", k, e => Change(e, k, x => x with { PreviousHash = new string('b', 64) })));
            campaign.Add(("modify sequence", k, e => Change(e, k, x => x with { Sequence = x.Sequence + 100 })));
            campaign.Add(("delete", k, e => [.. e.Where(x => x.Sequence != k)]));
        }

        foreach (var k in new long[] { 1, 7, 10 })
        {
            campaign.Add(("reorder", k, e => [.. e.Select(x => x.Sequence == k ? e[(int)k] : x.Sequence == k + 1 ? e[(int)k - 1] : x)]));
        }

        foreach (var k in new long[] { 1, 7, 11 })
        {
            campaign.Add(("insert", k, e => [.. e.Take((int)k - 1), Forged(k), .. e.Skip((int)k - 1)]));
        }

        // Act
        var detected = new Dictionary<string, int>();
        var missed = new List<string>();
        async Task CheckAsync(string kind, long expected)
        {
            var verification = await partition.VerifyAsync();
            if (verification.FirstBadSequence == expected)
            {
                detected[kind] = detected.GetValueOrDefault(kind) + 1;
            }
            else
            {
                missed.Add($"{kind} at {expected}: reported {verification.FirstBadSequence?.ToString() ?? "intact"}");
            }

            await WriteSegmentsAsync(table, pk, original);
        }

        foreach (var (kind, expected, tamper) in campaign)
        {
            // The entries are altered inside the stored segments, which keep their row keys and sizes.
            var altered = tamper([.. original.SelectMany(s => s.Entries)]);
            var segments = new List<(string RowKey, IReadOnlyList<AuditEntry> Entries)>
            {
                (original[0].RowKey, altered.Take(10).ToList()),
                (original[1].RowKey, altered.Skip(10).ToList()),
            };
            await WriteSegmentsAsync(table, pk, [.. segments.Where(s => s.Entries.Count > 0)]);
            await CheckAsync(kind, expected);
        }

        await table.DeleteEntityAsync(pk, original[1].RowKey);
        await CheckAsync("delete segment", 11);
        await table.DeleteEntityAsync(pk, original[0].RowKey);
        await CheckAsync("delete segment", 1);
        await WriteSegmentsAsync(table, pk, [(original[0].RowKey, original[1].Entries), (original[1].RowKey, original[0].Entries)]);
        await CheckAsync("swap segments", 1);
        await WriteSegmentsAsync(table, pk, [.. original, (AuditSegment.RowKey(21), [Forged(21)])]);
        await CheckAsync("append forged", 21);

        // Assert
        foreach (var (kind, count) in detected)
        {
            output.WriteLine($"{kind}: {count} detected");
        }

        output.WriteLine($"audit tamper campaign: {campaign.Count + 4} alterations, {detected.Values.Sum()} detected at the first bad entry");
        Assert.Empty(missed);
        Assert.Equal(campaign.Count + 4, detected.Values.Sum());
        Assert.True((await partition.VerifyAsync()).Intact);
    }

    [Theory]
    [InlineData(3)] // inside the first segment
    [InlineData(10)] // the first segment's last entry: the link that catches it is in the next segment
    [InlineData(15)] // inside the second segment
    public async Task AnEntryChangedWithItsOwnHashRecomputedIsCaughtByTheNextEntrysLinkAlone(long changed)
    {
        // Arrange: a partition of its own with 20 entries in two stored segments; entry `changed` gets another
        // outcome and its hash is computed again, so its own content check passes
        var partitionKey = $"link/{Guid.NewGuid():N}";
        var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(partitionKey);
        foreach (var batch in Enumerable.Range(1, 20).Chunk(10))
        {
            await partition.AppendAsync([.. batch.Select(i => new AuditRecord(DateTimeOffset.UtcNow, $"actor-{i}", "Read:x", $"subject:{i}", "allowed", "127.0.0.1", "role:app"))]);
        }

        var table = platform.Azurite.Tables.GetTableClient(StoredTrail.Table);
        AuditEntry? altered = null;
        var tamper = await StoredTrail.TamperAsync(table, partitionKey, changed, e => altered = StoredTrail.Rehashed(e with { Record = e.Record with { Outcome = "denied" } }));

        // Act
        AuditVerification verification;
        await using (tamper)
        {
            verification = await partition.VerifyAsync();
        }

        var afterwards = await partition.VerifyAsync();

        // Assert: the altered entry is sound on its own (content matches hash, link to its predecessor holds), and
        // counted good; the break is reported at the next entry, by its link
        Assert.NotNull(altered);
        Assert.Equal(AuditEntry.ComputeHash(altered.Sequence, altered.Record, altered.PreviousHash), altered.Hash);
        Assert.Equal(changed + 1, verification.FirstBadSequence);
        Assert.Equal("the previous-hash link is broken", verification.Reason);
        Assert.Equal(changed, verification.Count);
        Assert.Equal(altered.Hash, verification.HeadHash); // the last good entry is the altered one
        Assert.True(afterwards.Intact, afterwards.Reason);
    }

    [Fact]
    public async Task TheLastEntryChangedWithItsOwnHashRecomputedIsCaughtByTheHead()
    {
        // Arrange
        var partitionKey = $"link/{Guid.NewGuid():N}";
        var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(partitionKey);
        await partition.AppendAsync([.. Enumerable.Range(1, 5).Select(i => new AuditRecord(DateTimeOffset.UtcNow, $"actor-{i}", "Read:x", $"subject:{i}", "allowed", "127.0.0.1", "role:app"))]);
        var table = platform.Azurite.Tables.GetTableClient(StoredTrail.Table);

        // Act: no entry follows the last one, so no link can catch it; the head does
        AuditVerification verification;
        await using (await StoredTrail.TamperAsync(table, partitionKey, 5, e => StoredTrail.Rehashed(e with { Record = e.Record with { Outcome = "denied" } })))
        {
            verification = await partition.VerifyAsync();
        }

        // Assert
        Assert.Equal(5, verification.FirstBadSequence);
        Assert.Equal("the last entry does not match the stored head", verification.Reason);
    }

    private static List<AuditEntry> Change(List<AuditEntry> entries, long sequence, Func<AuditEntry, AuditEntry> change) =>
        [.. entries.Select(e => e.Sequence == sequence ? change(e) : e)];

    private static AuditEntry Forged(long sequence) =>
        new(sequence, new AuditRecord(DateTimeOffset.UtcNow, "forger", "Read:x", "subject:forged", "allowed", "127.0.0.1", ""), new string('0', 64), new string('f', 64));

    private static async Task<List<(string RowKey, IReadOnlyList<AuditEntry> Entries)>> SegmentsAsync(TableClient table, string pk)
    {
        var segments = new List<(string, IReadOnlyList<AuditEntry>)>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == pk))
        {
            if (IsSegment(row.RowKey))
            {
                segments.Add((row.RowKey, AuditSegment.Decode(row)));
            }
        }

        return segments;
    }

    /// <summary>Segment rows are keyed by their first sequence; the head and the subject index rows are not.</summary>
    private static bool IsSegment(string rowKey) => rowKey.All(char.IsAsciiDigit);

    /// <summary>Replaces the partition's segments (the head and index rows stay as they are).</summary>
    private static async Task WriteSegmentsAsync(TableClient table, string pk, IReadOnlyList<(string RowKey, IReadOnlyList<AuditEntry> Entries)> segments)
    {
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == pk))
        {
            if (IsSegment(row.RowKey))
            {
                await table.DeleteEntityAsync(pk, row.RowKey);
            }
        }

        foreach (var (rowKey, entries) in segments)
        {
            await table.UpsertEntityAsync(new TableEntity(AuditSegment.Encode(pk, entries)) { RowKey = rowKey }, TableUpdateMode.Replace);
        }
    }
}
