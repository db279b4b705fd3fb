using System.Diagnostics.Metrics;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Hosting;
using Custodian.Silo.Regions;

namespace Custodian.Silo.Audit;

/// <summary>
/// Audit partitions in a table of their own: one table partition per audit partition, one row per
/// appended batch (an <see cref="AuditSegment"/>), the index rows of the subjects it names
/// (<see cref="AuditSubjectIndex"/>) and a head row, written together in one transaction. Reads select
/// segments by the store (sequence range, time range) and entries by their fields in memory, since a
/// segment holds many; a read by subject fetches only the segments its index rows name.
/// Every append is replicated: the same rows go to the pair region's audit table before the append
/// returns (so before the call it records is answered), or, with the pair unreachable, the partition
/// goes into the replication backlog and its rows are copied when the pair returns.
/// </summary>
internal sealed class TableAuditStore : IAuditStore
{
    private const string HeadRow = "head";

    // A table transaction takes at most 100 actions; the segment and the head leave 98 for index rows.
    private const int MaxActions = 100;
    private const int MaxSubjectsPerWrite = MaxActions - 2;

    // Segments a read by subject fetches at once.
    private const int Prefetch = 8;

    private static readonly KeyValuePair<string, object?> SegmentRow = new("row", "segment");
    private static readonly KeyValuePair<string, object?> IndexRow = new("row", "index");

    private readonly TableClient _table;
    private readonly TableClient? _pairTable;
    private readonly PairReplica? _replica;
    private readonly RegionFence? _fence;
    private readonly AuditKeys _keys;
    private readonly Counter<long> _rowsRead;
    private bool _created;
    private bool _pairCreated;

    public TableAuditStore(TableClient table, AuditKeys keys, IMeterFactory? meters = null, TableClient? pairTable = null, PairReplica? replica = null, RegionFence? fence = null)
    {
        (_table, _keys, _pairTable, _replica, _fence) = (table, keys, pairTable, replica, fence);
        replica?.UseAuditCopier(CopyToPairAsync);
        var meter = meters?.Create("Custodian.Audit") ?? new Meter("Custodian.Audit");
        _rowsRead = meter.CreateCounter<long>("custodian.audit.rows.read", "{row}", "Table rows audit reads fetched, by row: segment (up to 99 entries) or index");
    }

    public async Task<AuditHead?> HeadAsync(string partition)
    {
        await EnsureTableAsync();
        var head = await _table.GetEntityIfExistsAsync<TableEntity>(Key(partition), HeadRow);
        if (!head.HasValue)
        {
            return null;
        }

        // A head stored before the index has no IndexedFrom: nothing up to it is indexed.
        var sequence = head.Value!.GetInt64("Sequence") ?? 0;
        return new AuditHead(sequence, head.Value.GetString("Hash") ?? "", Math.Max(1, head.Value.GetInt64("IndexedFrom") ?? sequence + 1));
    }

    public async Task AppendAsync(string partition, IReadOnlyList<AuditEntry> entries, long indexedFrom)
    {
        if (_fence is not null)
        {
            // The trail's partitions are written by this region's one writer each; the region needs its lease.
            await _fence.AuthorizeAsync(PlacementScope.Region(_fence.Region));
        }

        await EnsureTableAsync();
        var pk = Key(partition);
        foreach (var part in AuditSubjectIndex.Split(entries, MaxSubjectsPerWrite))
        {
            var last = part[^1];
            List<TableTransactionAction> actions = [new(TableTransactionActionType.Add, AuditSegment.Encode(pk, part))];

            // Index rows are upserted, not added: a row planted under a future key is overwritten by the
            // truth rather than blocking the trail. The segment's Add is what refuses a second writer.
            actions.AddRange(AuditSubjectIndex.Rows(pk, part).Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)));
            actions.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(pk, HeadRow)
            {
                ["Sequence"] = last.Sequence,
                ["Hash"] = last.Hash,
                ["IndexedFrom"] = indexedFrom,
            }));
            await _table.SubmitTransactionAsync(actions);
            await ReplicateAsync(partition, actions);
        }
    }

    /// <summary>The pair's copy of the same rows (a mirror: every row replaced as this region wrote it).</summary>
    private async Task ReplicateAsync(string partition, List<TableTransactionAction> actions)
    {
        if (_pairTable is null || _replica is null)
        {
            return;
        }

        if (_replica.PairReachable)
        {
            try
            {
                await EnsurePairTableAsync();
                await _pairTable.SubmitTransactionAsync(actions.Select(a => new TableTransactionAction(TableTransactionActionType.UpsertReplace, a.Entity)));
                return;
            }
            catch (Exception e) when (PairReplica.Unreachable(e))
            {
                await _replica.BacklogAuditAsync(partition, e);
                return;
            }
        }

        await _replica.BacklogAuditAsync(partition);
    }

    /// <summary>
    /// Copies to the pair every row of an audit partition written since <paramref name="since"/> (less a
    /// margin for the clocks): segments, index rows and the head, each as this region holds it.
    /// </summary>
    private async Task<int> CopyToPairAsync(string partition, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (_pairTable is null)
        {
            return 0;
        }

        await EnsureTableAsync();
        await EnsurePairTableAsync();
        var pk = Key(partition);
        var from = since - TimeSpan.FromMinutes(5);
        var copied = 0;
        var batch = new List<TableTransactionAction>(MaxActions);
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and Timestamp ge {from}"), cancellationToken: cancellationToken))
        {
            batch.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, TableRows.Copy(row)));
            if (batch.Count == MaxActions)
            {
                copied += await SubmitAsync(batch, cancellationToken);
            }
        }

        return copied + (batch.Count > 0 ? await SubmitAsync(batch, cancellationToken) : 0);
    }

    public async Task<ReplicaComparison?> CompareReplicaAsync(string partition)
    {
        if (_pairTable is null || _replica is null)
        {
            return null;
        }

        var pk = Key(partition);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk}");
        var own = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await EnsureTableAsync();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter))
        {
            own[row.RowKey] = row;
        }

        var theirs = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        try
        {
            await EnsurePairTableAsync();
            await foreach (var row in _pairTable.QueryAsync<TableEntity>(filter))
            {
                theirs[row.RowKey] = row;
            }
        }
        catch (Exception e) when (PairReplica.Unreachable(e))
        {
            return new ReplicaComparison(false, $"{_replica.Pair}: unreachable, not compared");
        }

        var missing = own.Keys.Where(k => !theirs.ContainsKey(k)).ToList();
        var differ = own.Where(r => theirs.TryGetValue(r.Key, out var copy) && !TableRows.Same(r.Value, copy)).Select(r => r.Key).ToList();
        var extra = theirs.Keys.Count(k => !own.ContainsKey(k));
        if (missing.Count == 0 && differ.Count == 0 && extra == 0)
        {
            return new ReplicaComparison(true, $"{_replica.Pair}: identical ({own.Count} rows)");
        }

        var first = missing.Concat(differ).Order(StringComparer.Ordinal).FirstOrDefault();
        return new ReplicaComparison(false, string.Create(CultureInfo.InvariantCulture,
            $"{_replica.Pair}: {missing.Count} of {own.Count} rows missing, {differ.Count} differ, {extra} only there{(first is null ? "" : $" (first: row {first})")}"));
    }

    private async Task<int> SubmitAsync(List<TableTransactionAction> batch, CancellationToken cancellationToken)
    {
        await _pairTable!.SubmitTransactionAsync(batch, cancellationToken);
        var count = batch.Count;
        batch.Clear();
        return count;
    }

    private async Task EnsurePairTableAsync()
    {
        if (!_pairCreated)
        {
            await _pairTable!.CreateIfNotExistsAsync();
            _pairCreated = true;
        }
    }

    public async IAsyncEnumerable<(long KeySequence, AuditEntry Entry)> ReadAsync(
        string partition, AuditQuery query, long afterSequence = 0, long throughSequence = long.MaxValue)
    {
        await EnsureTableAsync();
        await foreach (var row in _table.QueryAsync<TableEntity>(Filter(Key(partition), query, afterSequence, throughSequence)))
        {
            _rowsRead.Add(1, SegmentRow);
            foreach (var found in Select(row, query, afterSequence, throughSequence))
            {
                yield return found;
            }
        }
    }

    public bool IsIndexed(string target) => AuditSubjectIndex.IsIndexed(target);

    public async IAsyncEnumerable<(long KeySequence, AuditEntry Entry)> ReadIndexedAsync(
        string partition, AuditQuery query, long indexedFrom, long afterSequence, long throughSequence)
    {
        var target = query.Target is { } t && IsIndexed(t) ? t : throw new ArgumentException("The query's target is not indexed.", nameof(query));
        indexedFrom = Math.Max(1, indexedFrom);
        await EnsureTableAsync();

        // Entries stored before the index: every segment of that part of the chain, as any read.
        if (afterSequence < indexedFrom - 1)
        {
            await foreach (var found in ReadAsync(partition, query, afterSequence, Math.Min(indexedFrom - 1, throughSequence)))
            {
                yield return found;
            }
        }

        if (throughSequence < indexedFrom)
        {
            yield break;
        }

        // From the index on: the segments the subject's index rows name, read by key and filtered as any
        // read, never beyond the head. An index row names a segment; what is returned is what that segment holds.
        var pk = Key(partition);
        var prefix = AuditSubjectIndex.Prefix(target);
        var after = Math.Max(afterSequence, indexedFrom - 1);
        var pending = new Queue<Task<TableEntity?>>();
        try
        {
            await foreach (var row in _table.QueryAsync<TableEntity>(AuditSubjectIndex.Filter(pk, prefix, indexedFrom, throughSequence, afterSequence), select: ["RowKey"]))
            {
                _rowsRead.Add(1, IndexRow);
                if (AuditSubjectIndex.SegmentOf(row.RowKey, prefix) is not { } first)
                {
                    continue;
                }

                pending.Enqueue(SegmentAsync(pk, first));
                if (pending.Count == Prefetch && await pending.Dequeue() is { } segment)
                {
                    foreach (var found in Select(segment, query, after, throughSequence))
                    {
                        yield return found;
                    }
                }
            }

            while (pending.TryDequeue(out var next))
            {
                if (await next is { } segment)
                {
                    foreach (var found in Select(segment, query, after, throughSequence))
                    {
                        yield return found;
                    }
                }
            }
        }
        finally
        {
            // A reader that stopped early leaves reads it no longer needs; let them finish, observed.
            while (pending.TryDequeue(out var unused))
            {
                try
                {
                    await unused;
                }
                catch (RequestFailedException)
                {
                    // Nobody needs this segment any more.
                }
            }
        }
    }

    public string Sign(string partition, long count, string headHash) => _keys.SignSummary(partition, count, headHash);

    public string SignRange(string partition, long count, long firstSequence, long lastSequence, string headHash) =>
        _keys.SignRangeSummary(partition, count, firstSequence, lastSequence, headHash);

    /// <summary>
    /// The OData filter of a read: the table partition; segments starting at or before
    /// <paramref name="throughSequence"/> (which also leaves out the head row and the index rows, whose keys
    /// start with a letter and sort after every digit) and ending after <paramref name="afterSequence"/>;
    /// segments whose time span meets the query's. Every value goes through
    /// <see cref="TableClient.CreateQueryFilter(FormattableString)"/>, which quotes and escapes it.
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

    /// <summary>
    /// The entries of a stored segment at sequences after <paramref name="afterSequence"/> through
    /// <paramref name="throughSequence"/> that match <paramref name="query"/>. Each entry's place is where the
    /// segment's key puts it: a segment moved, cut or padded shows. A row whose key is no sequence gives key -1.
    /// </summary>
    private static IEnumerable<(long KeySequence, AuditEntry Entry)> Select(TableEntity row, AuditQuery query, long afterSequence, long throughSequence)
    {
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

    private static bool Matches(AuditRecord r, AuditQuery q) =>
        (q.Actor is null || r.Actor == q.Actor) && (q.Action is null || r.Action == q.Action) && (q.Target is null || r.Target == q.Target)
        && (q.From is null || r.At >= q.From) && (q.Until is null || r.At < q.Until);

    private async Task<TableEntity?> SegmentAsync(string partitionKey, long first)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, AuditSegment.RowKey(first));
        if (!row.HasValue)
        {
            return null; // a segment that is gone: verification reports it
        }

        _rowsRead.Add(1, SegmentRow);
        return row.Value;
    }

    private async Task EnsureTableAsync()
    {
        if (!_created)
        {
            await _table.CreateIfNotExistsAsync();
            _created = true;
        }
    }
}
