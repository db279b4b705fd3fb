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
/// The head row carries a MAC under the audit integrity key (which the account does not hold); an activation reads
/// it and the pair's copy of it, and refuses one that fails its MAC, is missing while entries exist, or is older
/// than (or differs from) the pair's, raising a security alert. Checkpoints of the head go to the pair's
/// <see cref="AuditCheckpointRows.Table"/>, one row per partition.
/// </summary>
internal sealed class TableAuditStore : IAuditStore
{
    private const string HeadRowKey = "head";

    // What a head's MAC is computed for (AuditKeys.Authenticate), so no other authenticated fact passes for a head.
    private const string HeadPurpose = "audit-head";

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
    private readonly TableClient? _checkpoints;
    private readonly TableClient? _pairCheckpoints;
    private readonly IntegrityAlerts? _alerts;
    private readonly bool _acceptUnauthenticatedHeads;
    private readonly ILogger _logger;
    private bool _created;
    private bool _pairCreated;
    private bool _pairCheckpointsCreated;

    /// <summary>
    /// A store over <paramref name="table"/>, replicated to <paramref name="pairTable"/> when both it and
    /// <paramref name="replica"/> are given; checkpoints go to <paramref name="pairCheckpoints"/> and are read from it
    /// and <paramref name="checkpoints"/> (this region's, where a restore puts a backup's).
    /// </summary>
    public TableAuditStore(
        TableClient table,
        AuditKeys keys,
        IMeterFactory? meters = null,
        TableClient? pairTable = null,
        PairReplica? replica = null,
        RegionFence? fence = null,
        TableClient? checkpoints = null,
        TableClient? pairCheckpoints = null,
        IntegrityAlerts? alerts = null,
        bool acceptUnauthenticatedHeads = false,
        ILogger<TableAuditStore>? logger = null)
    {
        (_table, _keys, _pairTable, _replica, _fence) = (table, keys, pairTable, replica, fence);
        (_checkpoints, _pairCheckpoints, _alerts, _acceptUnauthenticatedHeads) = (checkpoints, pairCheckpoints, alerts, acceptUnauthenticatedHeads);
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        replica?.UseAuditCopier(CopyToPairAsync);
        var meter = meters?.Create("Custodian.Audit") ?? new Meter("Custodian.Audit");
        _rowsRead = meter.CreateCounter<long>("custodian.audit.rows.read", "{row}", "Table rows audit reads fetched, by row: segment (up to 99 entries) or index");
    }

    public async Task<AuditHeadCheck> HeadAsync(string partition)
    {
        await EnsureTableAsync();
        return await CheckAsync(partition, await ReadHeadAsync(_table, partition));
    }

    public async Task<AuditHeadCheck> OpenAsync(string partition)
    {
        await EnsureTableAsync();
        var own = await ReadHeadAsync(_table, partition);
        var check = await CheckAsync(partition, own);
        if (check.Sound)
        {
            check = await CompareWithPairAsync(partition, check);
        }

        if (!check.Sound)
        {
            Alert(partition, check.Problem!);
            return check;
        }

        if (own.State == HeadState.Unauthenticated)
        {
            await AuthenticateAsync(partition, own);
        }

        return check;
    }

    /// <summary>What this region's head says, on its own: authentic, or accepted without a MAC, or refused; none, or none while entries exist.</summary>
    private async Task<AuditHeadCheck> CheckAsync(string partition, StoredHead stored) => stored.State switch
    {
        HeadState.Missing => await HoldsEntriesAsync(Key(partition))
            ? AuditHeadCheck.Refused("its head is missing while entries are stored: the head row was deleted")
            : AuditHeadCheck.Of(null),
        HeadState.Authentic => AuditHeadCheck.Of(stored.Head),
        HeadState.Unauthenticated when _acceptUnauthenticatedHeads => AuditHeadCheck.Of(stored.Head),
        HeadState.Unauthenticated => AuditHeadCheck.Refused(string.Create(CultureInfo.InvariantCulture,
            $"its head (entry {stored.Head!.Value.Sequence}) carries no MAC: it was not written by this trail (a head stored before heads were authenticated is accepted only with Audit:AcceptUnauthenticatedHeads)")),
        _ => AuditHeadCheck.Refused(string.Create(CultureInfo.InvariantCulture,
            $"its head (entry {stored.Head?.Sequence ?? 0}) fails its MAC: it was forged or edited")),
    };

    /// <summary>
    /// Compares a sound head here with the pair's copy (one point read): the pair's being ahead, or different at the same
    /// sequence, or there while none is here, refuses this region's. A pair copy that fails its MAC is reported, not used;
    /// an unreachable pair leaves the head as it is (logged).
    /// </summary>
    private async Task<AuditHeadCheck> CompareWithPairAsync(string partition, AuditHeadCheck own)
    {
        if (_pairTable is null || _replica is null || !_replica.PairReachable)
        {
            return own;
        }

        StoredHead pair;
        try
        {
            pair = await ReadHeadAsync(_pairTable, partition);
        }
        catch (Exception e) when (PairReplica.Unreachable(e) || e is RequestFailedException { Status: 404 })
        {
            if (e is not RequestFailedException { Status: 404 })
            {
                AuditLog.PairHeadUnread(_logger, partition, _replica.Pair, e.GetType().Name);
            }

            return own;
        }

        if (pair.State == HeadState.Forged || (pair.State == HeadState.Unauthenticated && !_acceptUnauthenticatedHeads))
        {
            // Not a copy to compare with; this region's own head stands on its MAC.
            Alert(partition, $"the copy of its head in the pair region {_replica.Pair} fails its MAC (or carries none): it was forged or edited there");
            return own;
        }

        if (pair.Head is not { } theirs)
        {
            return own;
        }

        var pairRegion = _replica.Pair;
        return own.Head switch
        {
            null => AuditHeadCheck.Refused(
                $"no head and no entries are stored in this region, but the pair region {pairRegion} holds the partition up to entry {theirs.Sequence}: this region's copy was deleted", 1),
            { } ours when theirs.Sequence > ours.Sequence => AuditHeadCheck.Refused(
                $"its head is at entry {ours.Sequence}, but the pair region {pairRegion} holds the partition up to entry {theirs.Sequence}: this region's copy was rolled back", ours.Sequence + 1),
            { } ours when theirs.Sequence == ours.Sequence && theirs.Hash != ours.Hash => AuditHeadCheck.Refused(
                $"its head (entry {ours.Sequence}) differs from the pair region {pairRegion}'s head at the same entry: one of the copies was rewritten", Math.Max(1, ours.Sequence)),
            _ => own, // the same head, or this region's ahead (a crash between the two writes of an append, or a backlog)
        };
    }

    /// <summary>Authenticates a head stored without a MAC (accepted by <c>Audit:AcceptUnauthenticatedHeads</c>), here first, then in the pair.</summary>
    private async Task AuthenticateAsync(string partition, StoredHead stored)
    {
        var head = stored.Head!.Value;
        var row = HeadRow(_keys, partition, head.Sequence, head.Hash, head.IndexedFrom);
        await _table.UpdateEntityAsync(row, stored.ETag, TableUpdateMode.Replace);
        await ReplicateAsync(partition, [new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)]);
        AuditLog.HeadAuthenticated(_logger, partition);
    }

    private enum HeadState
    {
        Missing,
        Authentic,
        Unauthenticated,
        Forged,
    }

    private readonly record struct StoredHead(HeadState State, AuditHead? Head, ETag ETag);

    /// <summary>The head row of <paramref name="partition"/> in <paramref name="table"/>, its MAC checked.</summary>
    private async Task<StoredHead> ReadHeadAsync(TableClient table, string partition)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Key(partition), HeadRowKey);
        if (!row.HasValue)
        {
            return new StoredHead(HeadState.Missing, null, default);
        }

        // A head stored before the index has no IndexedFrom: nothing up to it is indexed.
        var entity = row.Value!;
        var sequence = entity.GetInt64("Sequence") ?? 0;
        var head = new AuditHead(sequence, entity.GetString("Hash") ?? "", Math.Max(1, entity.GetInt64("IndexedFrom") ?? sequence + 1));
        var state = entity.GetString("Mac") switch
        {
            null => HeadState.Unauthenticated,
            var mac when _keys.IsAuthentic(mac, HeadPurpose, HeadFields(partition, head.Sequence, head.Hash, head.IndexedFrom)) => HeadState.Authentic,
            _ => HeadState.Forged,
        };
        return new StoredHead(state, head, entity.ETag);
    }

    /// <summary>Whether any segment of the partition is stored (a key range read of at most one row key).</summary>
    private async Task<bool> HoldsEntriesAsync(string partitionKey)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey le {AuditSegment.RowKey(long.MaxValue)}");
        await foreach (var _ in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"]))
        {
            return true;
        }

        return false;
    }

    /// <summary>The head row of <paramref name="partition"/>: sequence, hash and the first indexed sequence, with their MAC.</summary>
    internal static TableEntity HeadRow(AuditKeys keys, string partition, long sequence, string hash, long indexedFrom) => new(Key(partition), HeadRowKey)
    {
        ["Sequence"] = sequence,
        ["Hash"] = hash,
        ["IndexedFrom"] = indexedFrom,
        ["Mac"] = keys.Authenticate(HeadPurpose, HeadFields(partition, sequence, hash, indexedFrom)),
    };

    private static string[] HeadFields(string partition, long sequence, string hash, long indexedFrom) =>
        [partition, sequence.ToString(CultureInfo.InvariantCulture), hash, indexedFrom.ToString(CultureInfo.InvariantCulture)];

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
            actions.Add(new(TableTransactionActionType.UpsertReplace, HeadRow(_keys, partition, last.Sequence, last.Hash, indexedFrom)));
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

    public AuditCheckpoint Checkpoint(string partition, long sequence, string hash, DateTimeOffset at) =>
        AuditCheckpointRows.Sign(_keys, partition, sequence, hash, at);

    public async Task<AuditCheckpoint?> WriteCheckpointAsync(AuditCheckpoint checkpoint)
    {
        if (_pairCheckpoints is null || _replica is null)
        {
            return null;
        }

        if (!_replica.PairReachable)
        {
            throw new TimeoutException($"The pair region {_replica.Pair} is unreachable; the checkpoint was not written.");
        }

        try
        {
            if (!_pairCheckpointsCreated)
            {
                await _pairCheckpoints.CreateIfNotExistsAsync();
                _pairCheckpointsCreated = true;
            }

            var (pk, rk) = AuditCheckpointRows.Address(checkpoint.Partition);
            var existing = await _pairCheckpoints.GetEntityIfExistsAsync<TableEntity>(pk, rk);
            if (!existing.HasValue)
            {
                await _pairCheckpoints.AddEntityAsync(AuditCheckpointRows.ToEntity(checkpoint));
                return null;
            }

            var stored = AuditCheckpointRows.FromEntity(existing.Value!);
            if (stored is not null && stored.Partition == checkpoint.Partition && AuditCheckpointRows.IsAuthentic(_keys, stored))
            {
                if (stored.Sequence == checkpoint.Sequence && stored.Hash == checkpoint.Hash)
                {
                    return null;
                }

                // A newer checkpoint replaces the stored one only when the trail here still passes through it (one entry
                // read, once a period): a trail cut back and written over must not erase the evidence of what it was.
                if (stored.Sequence >= checkpoint.Sequence || await HashAtAsync(checkpoint.Partition, stored.Sequence) != stored.Hash)
                {
                    Alert(checkpoint.Partition, string.Create(CultureInfo.InvariantCulture,
                        $"the pair region {_replica.Pair} holds a checkpoint of entry {stored.Sequence} that its head (entry {checkpoint.Sequence}) does not extend: the trail was cut back or rewritten"));
                    return stored;
                }
            }
            else
            {
                Alert(checkpoint.Partition, $"its checkpoint in the pair region {_replica.Pair} failed its MAC (forged or edited there); it is replaced");
            }

            await _pairCheckpoints.UpdateEntityAsync(AuditCheckpointRows.ToEntity(checkpoint), existing.Value!.ETag, TableUpdateMode.Replace);
            return null;
        }
        catch (Exception e) when (PairReplica.Unreachable(e))
        {
            _replica.Lost(e);
            throw;
        }
    }

    /// <summary>The hash of the entry stored here at <paramref name="sequence"/>, or null when there is none.</summary>
    private async Task<string?> HashAtAsync(string partition, long sequence)
    {
        await foreach (var (key, entry) in ReadAsync(partition, AuditQuery.All, sequence - 1, sequence))
        {
            return key == sequence ? entry.Hash : null;
        }

        return null;
    }

    public async Task<AuditCheckpointLookup> CheckpointsAsync(string partition)
    {
        var found = new List<(AuditCheckpoint Checkpoint, string Source)>();
        var forged = 0;
        string? unread = null;
        foreach (var (table, source) in new[] { (_pairCheckpoints, _replica?.Pair), (_checkpoints, _fence?.Region) })
        {
            if (table is null)
            {
                continue;
            }

            TableEntity? row;
            try
            {
                var (pk, rk) = AuditCheckpointRows.Address(partition);
                var response = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk);
                row = response.HasValue ? response.Value : null;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                row = null; // no checkpoint table there yet
            }
            catch (Exception e) when (PairReplica.Unreachable(e))
            {
                unread = $"{source ?? "the pair region"}: unreachable, not read";
                continue;
            }

            if (row is null)
            {
                continue;
            }

            if (AuditCheckpointRows.FromEntity(row) is { } checkpoint && checkpoint.Partition == partition && AuditCheckpointRows.IsAuthentic(_keys, checkpoint))
            {
                found.Add((checkpoint, source ?? "this region"));
            }
            else
            {
                forged++;
            }
        }

        return new AuditCheckpointLookup(found, unread, forged);
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
    /// <summary>Logs a finding (partition and sequences only) and raises its <c>audit-tamper</c> alert, once per silo process.</summary>
    private void Alert(string partition, string finding)
    {
        if (_alerts?.Raise(Custodian.Security.SecurityRuleNames.AuditTamper, $"audit partition {partition}: {finding}") == true)
        {
            AuditLog.IntegrityFinding(_logger, partition, finding);
        }
    }

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
