using System.Globalization;
using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Hosting;

namespace Custodian.Silo.Audit;

/// <summary>
/// Audit partitions in a table of their own: one table partition per audit partition, one row per
/// appended batch (an <see cref="AuditSegment"/>) plus a head row, written together in one
/// transaction. Reads select segments by the store (sequence range, time range) and entries by
/// their fields in memory, since a segment holds many.
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

    public async IAsyncEnumerable<(long KeySequence, AuditEntry Entry)> ReadAsync(
        string partition, AuditQuery query, long afterSequence = 0, long throughSequence = long.MaxValue)
    {
        await EnsureTableAsync();
        await foreach (var row in table.QueryAsync<TableEntity>(Filter(Key(partition), query, afterSequence, throughSequence)))
        {
            // Each entry's place is where the segment's key puts it: a segment moved, cut or padded shows.
            var first = long.TryParse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : -1;
            var entries = AuditSegment.Decode(row);
            for (var i = 0; i < entries.Count; i++)
            {
                var key = first < 0 ? -1 : first + i;
                if ((key < 0 || (key > afterSequence && key <= throughSequence)) && Matches(entries[i].Record, query))
                {
                    yield return (key, entries[i]);
                }
            }
        }
    }

    public string Sign(string partition, long count, string headHash) => keys.SignSummary(partition, count, headHash);

    public string SignRange(string partition, long count, long firstSequence, long lastSequence, string headHash) =>
        keys.SignRangeSummary(partition, count, firstSequence, lastSequence, headHash);

    /// <summary>
    /// The OData filter of a read: the table partition; segments starting at or before
    /// <paramref name="throughSequence"/> (which also leaves out the head row, "head" sorting after
    /// every digit) and ending after <paramref name="afterSequence"/>; segments whose time span meets
    /// the query's. Every value goes through <see cref="TableClient.CreateQueryFilter(FormattableString)"/>,
    /// which quotes and escapes it.
    /// </summary>
    public static string Filter(string tablePartition, AuditQuery query, long afterSequence, long throughSequence)
    {
        List<string> clauses =
        [
            TableClient.CreateQueryFilter($"PartitionKey eq {tablePartition}"),
            TableClient.CreateQueryFilter($"RowKey le {AuditSegment.RowKey(Math.Max(0, throughSequence))}"),
        ];
        // Rows of the earlier layout (one entry each) have Sequence and At instead.
        if (afterSequence > 0)
        {
            clauses.Add(TableClient.CreateQueryFilter($"(Last gt {afterSequence} or Sequence gt {afterSequence})"));
        }

        if (query.From is { } from)
        {
            clauses.Add(TableClient.CreateQueryFilter($"(MaxAt ge {from} or At ge {from})"));
        }

        if (query.Until is { } until)
        {
            clauses.Add(TableClient.CreateQueryFilter($"(MinAt lt {until} or At lt {until})"));
        }

        return string.Join(" and ", clauses);
    }

    /// <summary>The table partition of an audit partition (table keys may not contain '/').</summary>
    public static string Key(string partition) => partition.Replace('/', '-');

    private static bool Matches(AuditRecord r, AuditQuery q) =>
        (q.Actor is null || r.Actor == q.Actor) && (q.Action is null || r.Action == q.Action) && (q.Target is null || r.Target == q.Target)
        && (q.From is null || r.At >= q.From) && (q.Until is null || r.At < q.Until);

    private async Task EnsureTableAsync()
    {
        if (!_created)
        {
            await table.CreateIfNotExistsAsync();
            _created = true;
        }
    }
}
