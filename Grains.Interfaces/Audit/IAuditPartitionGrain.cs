using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Custodian.Audit;

/// <summary>
/// One partition of the audit trail (keyed <c>region/n</c>): appends batches to its hash chain,
/// durably, before it answers; verifies and queries the chain. Verification and queries only read
/// storage, so they interleave with appends rather than hold them up.
/// </summary>
[Alias("Custodian.Audit.IAuditPartitionGrain")]
public interface IAuditPartitionGrain : IGrainWithStringKey
{
    /// <summary>Appends the records in order, stored durably before this returns; at most 99 per call.</summary>
    [Alias("Append")]
    Task<long> AppendAsync(ImmutableArray<AuditRecord> records);

    /// <summary>
    /// Recomputes the chain as stored and reports the first broken entry, if any: the whole chain and its
    /// head without a range; with one, the entries whose time is in [<paramref name="from"/>, <paramref name="until"/>)
    /// (either bound optional), linked to the stored entry before them.
    /// </summary>
    [Alias("Verify"), AlwaysInterleave]
    Task<AuditVerification> VerifyAsync(DateTimeOffset? from = null, DateTimeOffset? until = null);

    /// <summary>
    /// Signs a checkpoint of the head (sequence, hash, now) and stores it in the pair region, as the partition does
    /// every <c>Audit:CheckpointPeriod</c>; null for a partition with no entries yet. The checkpoint is returned (e.g. for a
    /// backup to carry) even when the pair region could not take it. A partition whose stored head was refused fails
    /// with <c>StoredStateIntegrityException</c>.
    /// </summary>
    [Alias("Checkpoint"), AlwaysInterleave]
    Task<AuditCheckpoint?> CheckpointAsync();

    /// <summary>
    /// At most <paramref name="limit"/> (1 to 1000) entries matching <paramref name="query"/> after sequence
    /// <paramref name="afterSequence"/>, oldest first. A query whose target is a data subject's keyed hash reads
    /// only the segments holding that subject's entries, so its cost follows the subject's entries, not the trail's.
    /// </summary>
    [Alias("QueryPage"), AlwaysInterleave]
    Task<AuditPage> QueryAsync(AuditQuery query, long afterSequence, int limit);
}
