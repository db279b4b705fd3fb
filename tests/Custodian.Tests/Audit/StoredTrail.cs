using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Hosting;
using Custodian.Silo.Audit;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;

namespace Custodian.Tests.Audit;

/// <summary>
/// The audit trail as tests reach it: entries made by calls through the gateway, every matching entry of a
/// partition, and rows altered in the store for a while.
/// </summary>
public static class StoredTrail
{
    /// <summary>The table the silo keeps the trail in.</summary>
    public const string Table = "CustodianAudit";

    /// <summary>
    /// Makes <paramref name="calls"/> audited calls through the gateway as client application <paramref name="actor"/> of
    /// <paramref name="tenant"/> on <paramref name="subject"/>: one put (two entries: its decision and its outcome), then
    /// gets (one each). One actor's entries go to one partition while it is not busy.
    /// </summary>
    public static async Task CallAsync(Platform platform, string actor, string tenant, string subject, int calls)
    {
        var client = platform.SubjectsAs(actor, tenant, "app");
        await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact($"{subject}@example.org") });
        for (var i = 1; i < calls; i++)
        {
            await client.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "contact" });
        }
    }

    /// <summary>Every entry of <paramref name="partition"/> matching <paramref name="query"/>, page after page.</summary>
    public static async Task<List<AuditEntry>> EntriesAsync(IGrainFactory grains, string partition, AuditQuery? query = null)
    {
        var grain = grains.GetGrain<IAuditPartitionGrain>(partition);
        var entries = new List<AuditEntry>();
        AuditPage page;
        do
        {
            page = await grain.QueryAsync(query ?? AuditQuery.All, entries.Count == 0 ? 0 : entries[^1].Sequence, AuditPartitionLimits.MaxPage);
            entries.AddRange(page.Entries);
        }
        while (page.More);

        return entries;
    }

    /// <summary>Alters entry <paramref name="sequence"/> of <paramref name="partition"/> inside its stored segment; disposing puts the segment back.</summary>
    public static Task<IAsyncDisposable> TamperAsync(TableClient table, string partition, long sequence, Func<AuditEntry, AuditEntry> change) =>
        AlterAsync(table, partition, sequence, entries => [.. entries.Select(e => e.Sequence == sequence ? change(e) : e)]);

    /// <summary>
    /// <paramref name="entry"/> with its own hash computed again, as anyone who can write to the store can do (the entry
    /// hash is an unkeyed SHA-256): it passes its own content check, and only the next entry's link to it can tell.
    /// </summary>
    public static AuditEntry Rehashed(AuditEntry entry) => entry with { Hash = AuditEntry.ComputeHash(entry.Sequence, entry.Record, entry.PreviousHash) };

    /// <summary>Removes entry <paramref name="sequence"/> of <paramref name="partition"/> from its stored segment; disposing puts it back.</summary>
    public static Task<IAsyncDisposable> DeleteAsync(TableClient table, string partition, long sequence) =>
        AlterAsync(table, partition, sequence, entries => [.. entries.Where(e => e.Sequence != sequence)]);

    /// <summary>
    /// A head row of <paramref name="partition"/> as the store writes it (authenticated), or, without
    /// <paramref name="indexedFrom"/>, as one stored before the subject index is left once heads were authenticated.
    /// </summary>
    public static TableEntity Head(AuditKeys keys, string partition, long sequence, string hash, long? indexedFrom = null)
    {
        var row = TableAuditStore.HeadRow(keys, partition, sequence, hash, indexedFrom ?? sequence + 1);
        if (indexedFrom is null)
        {
            row.Remove("IndexedFrom");
        }

        return row;
    }

    /// <summary>Stores <paramref name="entries"/> as a segment of their own, behind the partition's back.</summary>
    public static Task ForgeSegmentAsync(TableClient table, string partition, IReadOnlyList<AuditEntry> entries) =>
        table.AddEntityAsync(AuditSegment.Encode(partition.Replace('/', '-'), entries));

    private static async Task<IAsyncDisposable> AlterAsync(TableClient table, string partition, long sequence, Func<IReadOnlyList<AuditEntry>, IReadOnlyList<AuditEntry>> alter)
    {
        var pk = partition.Replace('/', '-');
        TableEntity? original = null;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and First le {sequence} and Last ge {sequence}")))
        {
            original = row;
        }

        if (original is null)
        {
            throw new InvalidOperationException($"No stored segment holds entry {sequence} of {partition}.");
        }

        var altered = alter(AuditSegment.Decode(original));
        if (altered.Count == 0)
        {
            await table.DeleteEntityAsync(pk, original.RowKey);
        }
        else
        {
            await table.UpsertEntityAsync(new TableEntity(AuditSegment.Encode(pk, altered)) { RowKey = original.RowKey }, TableUpdateMode.Replace);
        }

        return new Restore(() => table.UpsertEntityAsync(original, TableUpdateMode.Replace));
    }

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }
}
