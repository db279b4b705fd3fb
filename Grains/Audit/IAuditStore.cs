namespace Custodian.Audit;

/// <summary>Where audit partitions keep their entries (implemented by the silo), append-only.</summary>
public interface IAuditStore
{
    /// <summary>
    /// The partition's head as stored in this region, checked: its MAC must verify (no one without the audit key can
    /// forge or edit one), and a head that is missing while entries are stored is refused. A sound head of an empty
    /// partition is null. A head stored before the subject index existed reads with <see cref="AuditHead.IndexedFrom"/>
    /// just after it: nothing stored so far is indexed.
    /// </summary>
    Task<AuditHeadCheck> HeadAsync(string partition);

    /// <summary>
    /// The head an activation starts from: <see cref="HeadAsync"/>, compared with the pair region's copy of the head (one
    /// read of the replica, on activation only). A head here older than the pair's, or a different one at the same
    /// sequence, or none here while the pair has one, is refused for this region and raises a security alert; a head here
    /// ahead of the pair's is sound (a crash between the two writes of an append, or a backlog not drained yet).
    /// </summary>
    Task<AuditHeadCheck> OpenAsync(string partition) => HeadAsync(partition);

    /// <summary>
    /// Stores the entries (at most 99, all new sequences) with the index rows of the data subjects they
    /// name, and moves the head to the last, recording <paramref name="indexedFrom"/> in it and authenticating it. Each atomic
    /// write holds a segment, its index rows and the head, so no index row names a segment that was not
    /// stored and no stored segment lacks its index rows. When the store cannot take a batch's index rows
    /// in one write it stores the batch in several, in order, each a prefix of the chain; if one fails,
    /// the parts before it are stored and the head names the last of them, so the caller must read the
    /// head again. A write fails, storing nothing, when its first sequence already exists.
    /// </summary>
    Task AppendAsync(string partition, IReadOnlyList<AuditEntry> entries, long indexedFrom);

    /// <summary>
    /// The partition's entries stored at sequences after <paramref name="afterSequence"/> up to and including
    /// <paramref name="throughSequence"/> that match <paramref name="query"/>, filtered by the store, in
    /// ascending sequence as the keys say. A row whose key is not a sequence comes with key -1. Every segment
    /// in the range is read.
    /// </summary>
    IAsyncEnumerable<(long KeySequence, AuditEntry Entry)> ReadAsync(
        string partition, AuditQuery query, long afterSequence = 0, long throughSequence = long.MaxValue);

    /// <summary>Whether entries with <paramref name="target"/> are indexed (a data subject's keyed hash), so that <see cref="ReadIndexedAsync"/> can find them.</summary>
    bool IsIndexed(string target);

    /// <summary>
    /// What <see cref="ReadAsync"/> returns for a <paramref name="query"/> whose target <see cref="IsIndexed"/>,
    /// reading only the segments that hold the target's entries: from <paramref name="indexedFrom"/> on, the
    /// segments the index names; before it, every segment, as <see cref="ReadAsync"/> does. Index rows are only
    /// pointers: every entry returned comes from its segment and matches the query there, so a forged index
    /// row can add no entry, and a deleted one can only leave entries out.
    /// </summary>
    IAsyncEnumerable<(long KeySequence, AuditEntry Entry)> ReadIndexedAsync(
        string partition, AuditQuery query, long indexedFrom, long afterSequence, long throughSequence);

    /// <summary>HMAC-SHA256 (hex) of a whole partition's verification summary, with the audit signing key.</summary>
    string Sign(string partition, long count, string headHash);

    /// <summary>HMAC-SHA256 (hex) of a range's verification summary, with a key of its own.</summary>
    string SignRange(string partition, long count, long firstSequence, long lastSequence, string headHash);

    /// <summary>A checkpoint of the head at <paramref name="sequence"/> with <paramref name="hash"/>, at <paramref name="at"/>, signed.</summary>
    AuditCheckpoint Checkpoint(string partition, long sequence, string hash, DateTimeOffset at);

    /// <summary>
    /// Stores <paramref name="checkpoint"/> in the pair region as the partition's newest, unless the authentic checkpoint
    /// there is one the trail stored here no longer extends (a later sequence, or another entry at its sequence): that one
    /// is kept as the evidence, reported, and returned. A checkpoint there that fails its MAC is replaced, and reported.
    /// Does nothing without a pair.
    /// </summary>
    Task<AuditCheckpoint?> WriteCheckpointAsync(AuditCheckpoint checkpoint) => Task.FromResult<AuditCheckpoint?>(null);

    /// <summary>
    /// The partition's authentic checkpoints, in the pair region and in this region (where a restore puts the checkpoints
    /// a backup carried), with how many failed their MAC; only reads.
    /// </summary>
    Task<AuditCheckpointLookup> CheckpointsAsync(string partition) => Task.FromResult(AuditCheckpointLookup.None);

    /// <summary>
    /// Compares the partition's rows with the pair region's copy, row by row; null when this store keeps no
    /// replica. The description names the pair and counts only (never an entry's content).
    /// </summary>
    Task<ReplicaComparison?> CompareReplicaAsync(string partition) => Task.FromResult<ReplicaComparison?>(null);
}

/// <summary>How a partition's copy in the pair region compares: identical or not, and a description with counts.</summary>
public sealed record ReplicaComparison(bool Identical, string Description);
