using System.Globalization;
using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Hosting;

namespace Custodian.Silo.Audit;

/// <summary>
/// Audit partitions in a table of their own: one table partition per audit partition, one row per
/// appended batch (an <see cref="AuditSegment"/>) plus a head row, written together in one transaction.
/// </summary>
internal sealed class TableAuditStore(TableClient table, AuditKeys keys) : IAuditStore
{
    private const string HeadRow = "head";
    private bool _created;

    public async Task<(long Sequence, string Hash)?> HeadAsync(string partition)
    {
        await EnsureTableAsync();
        var head = await table.GetEntityIfExistsAsync<TableEntity>(Key(partition), HeadRow);
        return head.HasValue ? (head.Value!.GetInt64("Sequence") ?? 0, head.Value.GetString("Hash")) : null;
    }

    public async Task AppendAsync(string partition, IReadOnlyList<AuditEntry> entries)
    {
        await EnsureTableAsync();
        var pk = Key(partition);
        var last = entries[^1];
        await table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, AuditSegment.Encode(pk, entries)),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, HeadRow) { ["Sequence"] = last.Sequence, ["Hash"] = last.Hash }),
        ]);
    }

    public async IAsyncEnumerable<(long KeySequence, AuditEntry Entry)> ReadAsync(string partition)
    {
        await EnsureTableAsync();
        var pk = Key(partition);
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == pk))
        {
            if (row.RowKey == HeadRow)
            {
                continue;
            }

            // Each entry's place is where the segment's key puts it: a segment moved, cut or padded shows.
            var first = long.Parse(row.RowKey, CultureInfo.InvariantCulture);
            var entries = AuditSegment.Decode(row);
            for (var i = 0; i < entries.Count; i++)
            {
                yield return (first + i, entries[i]);
            }
        }
    }

    public string Sign(string partition, long count, string headHash) => keys.SignSummary(partition, count, headHash);

    /// <summary>The table partition of an audit partition (table keys may not contain '/').</summary>
    public static string Key(string partition) => partition.Replace('/', '-');

    private async Task EnsureTableAsync()
    {
        if (!_created)
        {
            await table.CreateIfNotExistsAsync();
            _created = true;
        }
    }
}
