using System.Globalization;
using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Hosting;

namespace Custodian.Silo.Audit;

/// <summary>
/// Audit partitions in a table of their own: one table partition per audit partition, one row per
/// entry (row key = zero-padded sequence) plus a head row, written together in one transaction.
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
        var actions = entries.Select(e => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(pk, e))).ToList();
        var last = entries[^1];
        actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new TableEntity(pk, HeadRow) { ["Sequence"] = last.Sequence, ["Hash"] = last.Hash }));
        await table.SubmitTransactionAsync(actions);
    }

    public async IAsyncEnumerable<(long KeySequence, AuditEntry Entry)> ReadAsync(
        string partition, AuditQuery query, long afterSequence = 0, long throughSequence = long.MaxValue)
    {
        await EnsureTableAsync();
        await foreach (var row in table.QueryAsync<TableEntity>(Filter(Key(partition), query, afterSequence, throughSequence)))
        {
            var key = long.TryParse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : -1;
            yield return (key, FromEntity(row));
        }
    }

    public string Sign(string partition, long count, string headHash) => keys.SignSummary(partition, count, headHash);

    public string SignRange(string partition, long count, long firstSequence, long lastSequence, string headHash) =>
        keys.SignRangeSummary(partition, count, firstSequence, lastSequence, headHash);

    /// <summary>
    /// The OData filter of a read: the table partition, the row keys (which also leave out the head row,
    /// "head" sorting after every digit) and each given field. Every value goes through
    /// <see cref="TableClient.CreateQueryFilter(FormattableString)"/>, which quotes and escapes it.
    /// </summary>
    public static string Filter(string tablePartition, AuditQuery query, long afterSequence, long throughSequence)
    {
        List<string> clauses =
        [
            TableClient.CreateQueryFilter($"PartitionKey eq {tablePartition}"),
            TableClient.CreateQueryFilter($"RowKey gt {RowKey(Math.Max(0, afterSequence))}"),
            TableClient.CreateQueryFilter($"RowKey le {RowKey(Math.Max(0, throughSequence))}"),
        ];
        AddIfGiven(clauses, query.Actor, a => $"Actor eq {a}");
        AddIfGiven(clauses, query.Action, a => $"Action eq {a}");
        AddIfGiven(clauses, query.Target, t => $"Target eq {t}");
        AddIfGiven(clauses, query.From, f => $"At ge {f}");
        AddIfGiven(clauses, query.Until, u => $"At lt {u}");
        return string.Join(" and ", clauses);
    }

    /// <summary>The table partition of an audit partition (table keys may not contain '/').</summary>
    public static string Key(string partition) => partition.Replace('/', '-');

    public static string RowKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    private static void AddIfGiven<T>(List<string> clauses, T? value, Func<T, FormattableString> clause)
    {
        if (value is not null)
        {
            clauses.Add(TableClient.CreateQueryFilter(clause(value)));
        }
    }

    private async Task EnsureTableAsync()
    {
        if (!_created)
        {
            await table.CreateIfNotExistsAsync();
            _created = true;
        }
    }

    private static TableEntity ToEntity(string pk, AuditEntry e) => new(pk, RowKey(e.Sequence))
    {
        ["Sequence"] = e.Sequence,
        ["At"] = e.Record.At,
        ["Actor"] = e.Record.Actor,
        ["Action"] = e.Record.Action,
        ["Target"] = e.Record.Target,
        ["Outcome"] = e.Record.Outcome,
        ["SourceIp"] = e.Record.SourceIp,
        ["GrantId"] = e.Record.GrantId,
        ["PreviousHash"] = e.PreviousHash,
        ["Hash"] = e.Hash,
    };

    private static AuditEntry FromEntity(TableEntity row) => new(
        row.GetInt64("Sequence") ?? -1,
        new AuditRecord(
            row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
            row.GetString("Actor") ?? "",
            row.GetString("Action") ?? "",
            row.GetString("Target") ?? "",
            row.GetString("Outcome") ?? "",
            row.GetString("SourceIp") ?? "",
            row.GetString("GrantId") ?? ""),
        row.GetString("PreviousHash") ?? "",
        row.GetString("Hash") ?? "");
}
