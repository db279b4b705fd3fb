using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Gateway.Protos.Subjects;
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
    /// <paramref name="tenant"/> on <paramref name="subject"/>: one put, then gets. One actor's entries go to one partition.
    /// </summary>
    public static async Task CallAsync(Platform platform, string actor, string tenant, string subject, int calls)
    {
        var client = platform.SubjectsAs(actor, tenant, "app");
        await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact($"{subject}@example.org") });
        for (var i = 1; i < calls; i++)
        {
            await client.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact" });
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

    /// <summary>The row key of an entry.</summary>
    public static string Row(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>Alters the stored row of entry <paramref name="sequence"/> of <paramref name="partition"/>; disposing puts the original back.</summary>
    public static Task<IAsyncDisposable> TamperAsync(TableClient table, string partition, long sequence, Action<TableEntity> change) =>
        AlterAsync(table, partition, sequence, async original =>
        {
            var altered = new TableEntity(original);
            change(altered);
            await table.UpdateEntityAsync(altered, ETag.All, TableUpdateMode.Replace);
        });

    /// <summary>Deletes the stored row of entry <paramref name="sequence"/> of <paramref name="partition"/>; disposing puts it back.</summary>
    public static Task<IAsyncDisposable> DeleteAsync(TableClient table, string partition, long sequence) =>
        AlterAsync(table, partition, sequence, original => table.DeleteEntityAsync(original.PartitionKey, original.RowKey));

    private static async Task<IAsyncDisposable> AlterAsync(TableClient table, string partition, long sequence, Func<TableEntity, Task> alter)
    {
        var original = (await table.GetEntityAsync<TableEntity>(partition.Replace('/', '-'), Row(sequence))).Value;
        await alter(original);
        return new Restore(() => table.UpsertEntityAsync(original, TableUpdateMode.Replace));
    }

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }
}
