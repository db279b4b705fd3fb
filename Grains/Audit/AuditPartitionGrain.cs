using System.Collections.Immutable;
using Custodian.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Custodian.Audit;

/// <summary>
/// A partition of the audit trail. Its head (sequence, hash) is read from the store when it activates, checked
/// (authenticated, and compared with the pair region's copy) and kept in memory; a batch is chained after it and
/// stored in one atomic write before the grain answers, so a caller that was told "done" has its entry on disk. A
/// head the store refuses (forged, rolled back, missing while entries exist) leaves the partition refusing appends
/// and queries (<see cref="StoredStateIntegrityException"/>) and its verification reporting why, the stored copy as
/// found; the next call after one refused checks the store again. Every <see cref="AuditIntegrityOptions.CheckpointPeriod"/>
/// (and when it deactivates) a partition whose head moved writes a signed checkpoint of it to the pair region.
/// Verification recomputes the chain and checks its end against the head, so a trail cut short is caught too, and
/// the tail against the newest checkpoint, so one cut short with its head rolled back (or rewritten, chain and all)
/// is caught as well; a range is checked from the stored entry before it to the one after it. Queries are filtered
/// by the store; a query by a data subject reads only the segments the store's subject index names (and those stored
/// before the index, from <see cref="AuditHead.IndexedFrom"/> back), up to the head this grain holds.
/// </summary>
public sealed class AuditPartitionGrain(
    IAuditStore store,
    IOptions<AuditIntegrityOptions> options,
    TimeProvider timeProvider,
    ILogger<AuditPartitionGrain> logger) : Grain, IAuditPartitionGrain
{
    private const int MaxBatch = AuditPartitionLimits.MaxBatch;
    private long _sequence;
    private string _head = AuditEntry.Genesis;

    // A new partition is indexed from its first entry; one stored before the index from its next append on.
    private long _indexedFrom = 1;

    // Why the stored head was not accepted at activation; null when it was.
    private AuditHeadCheck? _refused;

    // The sequence of the last checkpoint the pair region took.
    private long _checkpointed;

    private string Partition => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var check = await store.OpenAsync(Partition);
        if (!check.Sound)
        {
            _refused = check;
            AuditLog.HeadRefused(logger, Partition, check.Problem!);
            return;
        }

        if (check.Head is { } head)
        {
            (_sequence, _head, _indexedFrom) = (head.Sequence, head.Hash, head.IndexedFrom);
        }

        var period = options.Value.CheckpointPeriod;
        this.RegisterGrainTimer(
            _ => _sequence > _checkpointed ? StoreCheckpointAsync(NewCheckpoint()) : Task.CompletedTask,
            new GrainTimerCreationOptions { DueTime = period, Period = period, Interleave = true });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // What was appended since the last checkpoint is checkpointed on the way out (best effort).
        if (_refused is null && _sequence > _checkpointed)
        {
            await StoreCheckpointAsync(NewCheckpoint());
        }
    }

    public async Task<long> AppendAsync(ImmutableArray<AuditRecord> records)
    {
        ThrowIfRefused();
        if (records.IsDefaultOrEmpty)
        {
            return _sequence;
        }

        if (records.Length > MaxBatch)
        {
            throw new ArgumentException($"At most {MaxBatch} records per append.", nameof(records));
        }

        var entries = new List<AuditEntry>(records.Length);
        var (sequence, head) = (_sequence, _head);
        foreach (var record in records)
        {
            var entry = AuditEntry.Chain(++sequence, record, head);
            entries.Add(entry);
            head = entry.Hash;
        }

        try
        {
            await store.AppendAsync(Partition, entries, _indexedFrom);
        }
        catch
        {
            // Whether or not the write landed, or only some parts of it, the head in memory can no
            // longer be trusted: the next activation reads it again.
            DeactivateOnIdle();
            throw;
        }

        (_sequence, _head) = (sequence, head);
        return sequence;
    }

    public async Task<AuditVerification> VerifyAsync(DateTimeOffset? from = null, DateTimeOffset? until = null)
    {
        var partition = Partition;
        var ranged = from is not null || until is not null;

        // A whole chain starts at 1 after the genesis hash; a range starts wherever its first entry is.
        var walk = new ChainWalk(ranged ? 0 : 1, AuditEntry.Genesis);
        await foreach (var (key, entry) in store.ReadAsync(partition, new AuditQuery(From: from, Until: until)))
        {
            if (walk.Next == 0 && await LinkRangeStartAsync(partition, key, walk) is { } broken)
            {
                return broken;
            }

            if (key > walk.Next)
            {
                // A gap: entries whose time lies outside the range (clocks of writers differ) or that are gone.
                await foreach (var (gapKey, gapEntry) in store.ReadAsync(partition, AuditQuery.All, walk.Next - 1, key - 1))
                {
                    if (walk.Step(gapKey, gapEntry) is { } gapReason)
                    {
                        return Broken(partition, walk, walk.Next, gapReason);
                    }
                }
            }

            if (walk.Step(key, entry) is { } reason)
            {
                return Broken(partition, walk, walk.Next, reason);
            }
        }

        if (_refused is { } refused)
        {
            // The chain as stored is sound up to where it ends; its head is not. The next call checks the store again.
            DeactivateOnIdle();
            return Broken(partition, walk, refused.BadSequence ?? Math.Max(1, walk.Next - 1), refused.Problem!);
        }

        if (ranged && walk.Count == 0)
        {
            return new AuditVerification(partition, 0, AuditEntry.Genesis, null, null, store.SignRange(partition, 0, 0, 0, AuditEntry.Genesis), 0, 0);
        }

        if (await CheckEndAsync(partition, walk) is { } end)
        {
            return end;
        }

        var last = walk.Next - 1;
        var signature = ranged
            ? store.SignRange(partition, walk.Count, walk.First, last, walk.Previous)
            : store.Sign(partition, walk.Count, walk.Previous);
        var verification = new AuditVerification(partition, walk.Count, walk.Previous, null, null, signature, walk.First, last);
        if (ranged)
        {
            return verification;
        }

        var replica = await store.CompareReplicaAsync(partition);
        return await CheckTailAsync(partition, verification with { Replica = replica?.Description, ReplicaIdentical = replica?.Identical ?? true });
    }

    public async Task<AuditCheckpoint?> CheckpointAsync()
    {
        ThrowIfRefused();
        if (_sequence == 0)
        {
            return null;
        }

        var checkpoint = NewCheckpoint();
        await StoreCheckpointAsync(checkpoint);
        return checkpoint;
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, long afterSequence, int limit)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, AuditPartitionLimits.MaxPage);
        if (query.Validate() is [var first, ..])
        {
            throw new ArgumentException($"The query's {first.Field} {first.Description}.", nameof(query));
        }

        ThrowIfRefused();
        var partition = Partition;
        var rows = query.Target is { } target && store.IsIndexed(target)
            ? store.ReadIndexedAsync(partition, query, _indexedFrom, afterSequence, _sequence)
            : store.ReadAsync(partition, query, afterSequence);
        var found = ImmutableArray.CreateBuilder<AuditEntry>(limit);
        await foreach (var (key, entry) in rows)
        {
            if (key < 0)
            {
                continue; // not an entry's row; verification reports it
            }

            if (found.Count == limit)
            {
                return new AuditPage(found.MoveToImmutable(), More: true);
            }

            // Paging follows stored positions; a row whose own sequence disagrees fails verification anyway.
            found.Add(entry.Sequence == key ? entry : entry with { Sequence = key });
        }

        return new AuditPage(found.ToImmutable(), More: false);
    }

    /// <summary>
    /// Compares the intact chain's end with the authentic checkpoints of the head (the pair region's, and this region's
    /// from a restore): a chain that ends before the newest one's sequence was cut short (its head rolled back with it),
    /// one whose entry at a checkpoint's sequence has another hash was rewritten after it. Checkpoints whose MAC fails are
    /// ignored and counted. Only reads.
    /// </summary>
    private async Task<AuditVerification> CheckTailAsync(string partition, AuditVerification verification)
    {
        var found = await store.CheckpointsAsync(partition);
        if (found.Newest is not { } newestFound)
        {
            return verification with { Tail = AuditTailCheck.NoCheckpoint, CheckpointSource = found.Unread, ForgedCheckpoints = found.Forged };
        }

        var (newest, newestSource) = newestFound;
        verification = verification with { Checkpoint = newest, CheckpointSource = newestSource, ForgedCheckpoints = found.Forged };
        var last = verification.LastSequence;
        if (newest.Sequence > last)
        {
            return verification with
            {
                Tail = AuditTailCheck.Truncated,
                FirstBadSequence = last + 1,
                Reason = $"truncated: the stored trail ends at entry {last} (its head rolled back with it), but {Describe(newest, newestSource)} records entry {newest.Sequence}",
                Signature = "",
            };
        }

        foreach (var (checkpoint, source) in found.Found.OrderBy(f => f.Checkpoint.Sequence))
        {
            var entry = await ReadOneAsync(partition, checkpoint.Sequence);
            if (entry?.Hash == checkpoint.Hash)
            {
                continue;
            }

            // The chain as stored links up to the rewritten entry and on from it; what is good is what comes before it.
            return verification with
            {
                Tail = AuditTailCheck.Rewritten,
                Checkpoint = checkpoint,
                CheckpointSource = source,
                FirstBadSequence = checkpoint.Sequence,
                Reason = $"rewritten tail: entry {checkpoint.Sequence} is not the entry {Describe(checkpoint, source)} records (the chain was recomputed after it)",
                Signature = "",
                Count = checkpoint.Sequence - 1,
                FirstSequence = checkpoint.Sequence > 1 ? verification.FirstSequence : 0,
                LastSequence = checkpoint.Sequence - 1,
                HeadHash = entry?.PreviousHash ?? "",
            };
        }

        return verification with { Tail = AuditTailCheck.Matches };
    }

    private static string Describe(AuditCheckpoint checkpoint, string source) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the checkpoint of {checkpoint.At:O} in {source}");

    private AuditCheckpoint NewCheckpoint() => store.Checkpoint(Partition, _sequence, _head, timeProvider.GetUtcNow());

    /// <summary>Stores <paramref name="checkpoint"/> in the pair region; a failure or a newer checkpoint there is logged, never thrown.</summary>
    private async Task StoreCheckpointAsync(AuditCheckpoint checkpoint)
    {
        try
        {
            if (await store.WriteCheckpointAsync(checkpoint) is { } newer)
            {
                AuditLog.CheckpointAhead(logger, checkpoint.Partition, newer.Sequence, checkpoint.Sequence);
                return;
            }

            _checkpointed = Math.Max(_checkpointed, checkpoint.Sequence);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AuditLog.CheckpointNotWritten(logger, checkpoint.Partition, e.GetType().Name);
        }
    }

    /// <summary>Refuses a call while the stored head is refused; the activation then goes, so the next call checks the store again.</summary>
    private void ThrowIfRefused()
    {
        if (_refused is { } refused)
        {
            DeactivateOnIdle();
            throw new StoredStateIntegrityException($"Audit partition {Partition}: {refused.Problem}");
        }
    }

    /// <summary>Links a range's first entry to the stored entry before it, which must itself be sound.</summary>
    private async Task<AuditVerification?> LinkRangeStartAsync(string partition, long first, ChainWalk walk)
    {
        if (first <= 1)
        {
            walk.Next = Math.Max(first, 1);
            return null;
        }

        var before = await ReadOneAsync(partition, first - 1);
        var reason = before is null
            ? $"entry {first - 1}, the one before the range, is missing"
            : ChainWalk.Check(first - 1, first - 1, before, before.PreviousHash);
        if (reason is not null)
        {
            return Broken(partition, walk, first - 1, reason);
        }

        (walk.Next, walk.Previous) = (first, before!.Hash);
        return null;
    }

    /// <summary>
    /// Compares where the chain ended with the head this grain holds and the head stored with every append:
    /// an entry missing after it, an entry beyond the head, or a last entry that is not the head is a break.
    /// Appends that land while this runs are linked on, not reported.
    /// </summary>
    private async Task<AuditVerification?> CheckEndAsync(string partition, ChainWalk walk)
    {
        var last = walk.Next - 1;
        var check = await store.HeadAsync(partition);
        if (!check.Sound)
        {
            return Broken(partition, walk, check.BadSequence ?? Math.Max(1, last), check.Problem!);
        }

        var stored = check.Head;
        var head = Math.Max(_sequence, stored?.Sequence ?? 0);
        if (last < head)
        {
            var next = await ReadOneAsync(partition, last + 1);
            var reason = next is null
                ? $"entries from {last + 1} on are missing; the head is at {head}"
                : ChainWalk.Check(last + 1, last + 1, next, walk.Previous);
            return reason is null ? null : Broken(partition, walk, last + 1, reason);
        }

        if (last > head)
        {
            return Broken(partition, walk, head + 1, $"entries from {head + 1} on lie beyond the head ({head}); this partition never appended them");
        }

        var headMismatch = (_sequence == last && _head != walk.Previous) || (stored is { } s && s.Sequence == last && s.Hash != walk.Previous);
        return last > 0 && headMismatch ? Broken(partition, walk, last, "the last entry does not match the stored head") : null;
    }

    private async Task<AuditEntry?> ReadOneAsync(string partition, long sequence)
    {
        await foreach (var (_, entry) in store.ReadAsync(partition, AuditQuery.All, sequence - 1, sequence))
        {
            return entry;
        }

        return null;
    }

    private static AuditVerification Broken(string partition, ChainWalk walk, long sequence, string reason) =>
        new(partition, walk.Count, walk.Previous, sequence, reason, "", walk.First, walk.Count == 0 ? 0 : walk.Next - 1);

    /// <summary>Where a verification has got to: the next sequence expected and the hash it must link to.</summary>
    private sealed class ChainWalk(long next, string previous)
    {
        /// <summary>The next sequence expected; 0 while a range has not found its first entry.</summary>
        public long Next { get; set; } = next;

        /// <summary>The hash of the last good entry (or of the entry before the range).</summary>
        public string Previous { get; set; } = previous;

        /// <summary>Good entries so far.</summary>
        public long Count { get; private set; }

        /// <summary>The first good entry's sequence, 0 before there is one.</summary>
        public long First { get; private set; }

        /// <summary>Checks the entry stored at <paramref name="key"/> and moves on; the reason it is bad, or null.</summary>
        public string? Step(long key, AuditEntry entry)
        {
            var reason = Check(Next, key, entry, Previous);
            if (reason is null)
            {
                First = Count == 0 ? key : First;
                Count++;
                (Next, Previous) = (key + 1, entry.Hash);
            }

            return reason;
        }

        /// <summary>Why the entry stored at <paramref name="key"/> is not entry <paramref name="expected"/> linked to <paramref name="previous"/>, or null.</summary>
        public static string? Check(long expected, long key, AuditEntry entry, string previous) =>
            key != expected ? $"entry {expected} is missing or out of place"
            : entry.Sequence != key ? "the entry's sequence does not match its position"
            : entry.PreviousHash != previous ? "the previous-hash link is broken"
            : AuditEntry.ComputeHash(entry.Sequence, entry.Record, entry.PreviousHash) != entry.Hash ? "the entry's content does not match its hash"
            : null;
    }
}
