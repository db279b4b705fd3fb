using System.Collections.Immutable;

namespace Custodian.Audit;

/// <summary>
/// A partition of the audit trail. Its head (sequence, hash) is read from the store when it activates
/// and kept in memory; a batch is chained after it and stored in one atomic write before the grain
/// answers, so a caller that was told "done" has its entry on disk. Verification recomputes the
/// chain and checks its end against the head, so a trail cut short is caught too.
/// </summary>
public sealed class AuditPartitionGrain(IAuditStore store) : Grain, IAuditPartitionGrain
{
    private const int MaxBatch = AuditPartitionLimits.MaxBatch;
    private long _sequence;
    private string _head = AuditEntry.Genesis;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await store.HeadAsync(this.GetPrimaryKeyString()) is { } head)
        {
            (_sequence, _head) = head;
        }
    }

    public async Task<long> AppendAsync(ImmutableArray<AuditRecord> records)
    {
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
            await store.AppendAsync(this.GetPrimaryKeyString(), entries);
        }
        catch
        {
            // Whether or not the write landed, the head in memory can no longer be trusted: read it again.
            DeactivateOnIdle();
            throw;
        }

        (_sequence, _head) = (sequence, head);
        return sequence;
    }

    public async Task<AuditVerification> VerifyAsync()
    {
        var partition = this.GetPrimaryKeyString();
        long count = 0;
        var previous = AuditEntry.Genesis;
        await foreach (var (keySequence, entry) in store.ReadAsync(partition))
        {
            count++;
            var reason =
                keySequence != count ? $"entry {count} is missing or out of place (found sequence {keySequence})"
                : entry.Sequence != keySequence ? "the entry's sequence does not match its position"
                : entry.PreviousHash != previous ? "the previous-hash link is broken"
                : AuditEntry.ComputeHash(entry.Sequence, entry.Record, entry.PreviousHash) != entry.Hash ? "the entry's content does not match its hash"
                : null;
            if (reason is not null)
            {
                return new AuditVerification(partition, count, previous, count, reason, "");
            }

            previous = entry.Hash;
        }

        // A chain cut short is still a valid chain: compare its end with the head this grain holds
        // in memory and the head stored with every append.
        var stored = await store.HeadAsync(partition);
        var expected = Math.Max(_sequence, stored?.Sequence ?? 0);
        if (count < expected)
        {
            return new AuditVerification(partition, count, previous, count + 1, $"entries from {count + 1} on are missing; the head is at {expected}", "");
        }

        if (count > 0 && stored is { } head && head.Sequence == count && head.Hash != previous)
        {
            return new AuditVerification(partition, count, previous, count, "the last entry does not match the stored head", "");
        }

        return new AuditVerification(partition, count, previous, null, null, store.Sign(partition, count, previous));
    }

    public async Task<ImmutableArray<AuditEntry>> QueryAsync(string? actor, string? action, string? target, DateTimeOffset? from, DateTimeOffset? until)
    {
        var found = ImmutableArray.CreateBuilder<AuditEntry>();
        await foreach (var (_, entry) in store.ReadAsync(this.GetPrimaryKeyString()))
        {
            var r = entry.Record;
            if ((actor is null || r.Actor == actor) && (action is null || r.Action == action) && (target is null || r.Target == target)
                && (from is null || r.At >= from) && (until is null || r.At < until))
            {
                found.Add(entry);
            }
        }

        return found.ToImmutable();
    }
}
