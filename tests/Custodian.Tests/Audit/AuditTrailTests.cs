using System.Collections.Immutable;
using Azure;
using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Gateway.Protos.Subjects;
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
        await client.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact" });
        await Assert.ThrowsAsync<RpcException>(async () => await client.GetRecordAsync(new GetRecordRequest { TenantId = "someone-else", SubjectId = subject, Category = "contact" }));

        // Assert
        var entries = new List<AuditEntry>();
        var verifications = new List<AuditVerification>();
        for (var n = 0; n < 4; n++)
        {
            var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>($"{Platform.Region}/{n}");
            entries.AddRange(await StoredTrail.EntriesAsync(platform.SiloGrains, $"{Platform.Region}/{n}", new AuditQuery(Actor: app)));
            verifications.Add(await partition.VerifyAsync());
        }

        Assert.Equal(["allowed", "allowed", "denied"], entries.Select(e => e.Record.Outcome));
        Assert.Equal(["Write:/custodian.subjects.v1.Subjects/PutRecord", "Read:/custodian.subjects.v1.Subjects/GetRecord", "Read:/custodian.subjects.v1.Subjects/GetRecord"],
            entries.Select(e => e.Record.Action));
        Assert.Equal(["role:app", "role:app", ""], entries.Select(e => e.Record.GrantId));
        Assert.All(entries, e => Assert.StartsWith("subject:", e.Record.Target));
        Assert.All(entries, e => Assert.DoesNotContain(subject, e.Record.Target));
        Assert.Equal(entries[0].Record.Target, entries[1].Record.Target); // the same subject correlates
        Assert.All(verifications, v => Assert.True(v.Intact, v.Reason));
        Assert.All(verifications.Where(v => v.Count > 0), v => Assert.Equal(64, v.Signature.Length));
        Assert.False(await AuditTableContainsAsync(subject));
    }

    [Fact]
    public async Task ModifiedDeletedReorderedAndInsertedEntriesAreAllDetectedAtTheFirstBadOne()
    {
        // Arrange: a partition of 20 entries of its own
        var partitionKey = $"tamper/{Guid.NewGuid():N}";
        var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(partitionKey);
        var records = Enumerable.Range(1, 20).Select(i => new AuditRecord(DateTimeOffset.UtcNow, $"actor-{i}", "Read:x", $"subject:{i}", "allowed", "127.0.0.1", "role:app"));
        await partition.AppendAsync([.. records]);
        var table = platform.Azurite.Tables.GetTableClient("CustodianAudit");
        var pk = partitionKey.Replace('/', '-');
        var original = await RowsAsync(table, pk);
        Assert.True((await partition.VerifyAsync()).Intact);

        var campaign = new List<(string Kind, long Expected, Func<Task> Tamper)>();
        foreach (var k in new long[] { 1, 7, 20 })
        {
            foreach (var field in new[] { "Actor", "Action", "Target", "Outcome", "SourceIp", "GrantId", "Hash", "PreviousHash" })
            {
                campaign.Add(($"modify {field}", k, () => UpdateAsync(table, pk, k, e => e[field] = e.GetString(field) + "x")));
            }

            campaign.Add(("modify time", k, () => UpdateAsync(table, pk, k, e => e["At"] = e.GetDateTimeOffset("At")!.Value.AddSeconds(1))));
            campaign.Add(("delete", k, () => table.DeleteEntityAsync(pk, Row(k))));
            if (k < 20)
            {
                campaign.Add(("reorder", k, () => SwapAsync(table, pk, original, k, k + 1)));
                campaign.Add(("insert", k, () => InsertAsync(table, pk, original, k)));
            }
        }

        campaign.Add(("append forged", 21, () => table.AddEntityAsync(Forged(pk, 21))));

        // Act
        var detected = new Dictionary<string, int>();
        var missed = new List<string>();
        foreach (var (kind, expected, tamper) in campaign)
        {
            await tamper();
            var verification = await partition.VerifyAsync();
            if (verification.FirstBadSequence == expected)
            {
                detected[kind] = detected.GetValueOrDefault(kind) + 1;
            }
            else
            {
                missed.Add($"{kind} at {expected}: reported {verification.FirstBadSequence?.ToString() ?? "intact"}");
            }

            await RestoreAsync(table, pk, original);
        }

        // Assert
        foreach (var (kind, count) in detected)
        {
            output.WriteLine($"{kind}: {count} detected");
        }

        output.WriteLine($"audit tamper campaign: {campaign.Count} alterations, {detected.Values.Sum()} detected at the first bad entry");
        Assert.Empty(missed);
        Assert.True((await partition.VerifyAsync()).Intact);
    }

    private async Task<bool> AuditTableContainsAsync(string needle)
    {
        await foreach (var row in platform.Azurite.Tables.GetTableClient("CustodianAudit").QueryAsync<TableEntity>())
        {
            if (row.Any(p => p.Value?.ToString()?.Contains(needle, StringComparison.Ordinal) == true))
            {
                return true;
            }
        }

        return false;
    }

    private static string Row(long sequence) => sequence.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<ImmutableDictionary<string, TableEntity>> RowsAsync(TableClient table, string pk)
    {
        var rows = ImmutableDictionary.CreateBuilder<string, TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == pk))
        {
            rows[row.RowKey] = row;
        }

        return rows.ToImmutable();
    }

    private static async Task UpdateAsync(TableClient table, string pk, long sequence, Action<TableEntity> change)
    {
        var row = (await table.GetEntityAsync<TableEntity>(pk, Row(sequence))).Value;
        change(row);
        await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
    }

    /// <summary>Entries k and k+1 trade places: each row gets the other's content.</summary>
    private static async Task SwapAsync(TableClient table, string pk, ImmutableDictionary<string, TableEntity> original, long k, long next)
    {
        await table.UpsertEntityAsync(new TableEntity(original[Row(next)]) { RowKey = Row(k) }, TableUpdateMode.Replace);
        await table.UpsertEntityAsync(new TableEntity(original[Row(k)]) { RowKey = Row(next) }, TableUpdateMode.Replace);
    }

    /// <summary>A forged entry at k; every later entry moves one place on.</summary>
    private static async Task InsertAsync(TableClient table, string pk, ImmutableDictionary<string, TableEntity> original, long k)
    {
        var last = original.Keys.Where(r => r != "head").Max(r => long.Parse(r, System.Globalization.CultureInfo.InvariantCulture));
        for (var s = last; s >= k; s--)
        {
            await table.UpsertEntityAsync(new TableEntity(original[Row(s)]) { RowKey = Row(s + 1) }, TableUpdateMode.Replace);
        }

        await table.UpsertEntityAsync(Forged(pk, k), TableUpdateMode.Replace);
    }

    private static TableEntity Forged(string pk, long sequence) => new(pk, Row(sequence))
    {
        ["Sequence"] = sequence,
        ["At"] = DateTimeOffset.UtcNow,
        ["Actor"] = "forger",
        ["Action"] = "Read:x",
        ["Target"] = "subject:forged",
        ["Outcome"] = "allowed",
        ["SourceIp"] = "127.0.0.1",
        ["GrantId"] = "",
        ["PreviousHash"] = new string('0', 64),
        ["Hash"] = new string('f', 64),
    };

    private static async Task RestoreAsync(TableClient table, string pk, ImmutableDictionary<string, TableEntity> original)
    {
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == pk))
        {
            if (!original.ContainsKey(row.RowKey))
            {
                await table.DeleteEntityAsync(pk, row.RowKey);
            }
        }

        foreach (var row in original.Values)
        {
            await table.UpsertEntityAsync(row, TableUpdateMode.Replace);
        }
    }
}
