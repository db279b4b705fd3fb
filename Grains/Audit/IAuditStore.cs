namespace Custodian.Audit;

/// <summary>Where audit partitions keep their entries (implemented by the silo), append-only.</summary>
public interface IAuditStore
{
    /// <summary>
    /// The partition's head, or null when it is empty. A head stored before the subject index existed
    /// reads with <see cref="AuditHead.IndexedFrom"/> just after it: nothing stored so far is indexed.
    /// </summary>
    Task<AuditHead?> HeadAsync(string partition);

    /// <summary>
    /// Stores the entries (at most 99, all new sequences) with the index rows of the data subjects they
    /// name, and moves the head to the last, recording <paramref name="indexedFrom"/> in it. Each atomic
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

    /// <summary>
    /// Compares the partition's rows with the pair region's copy, row by row; null when this store keeps no
    /// replica. The description names the pair and counts only (never an entry's content).
    /// </summary>
    Task<ReplicaComparison?> CompareReplicaAsync(string partition) => Task.FromResult<ReplicaComparison?>(null);
}

/// <summary>How a partition's copy in the pair region compares: identical or not, and a description with counts.</summary>
public sealed record ReplicaComparison(bool Identical, string Description);
