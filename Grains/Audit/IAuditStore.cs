namespace Custodian.Audit;

/// <summary>Where audit partitions keep their entries (implemented by the silo), append-only.</summary>
public interface IAuditStore
{
    /// <summary>The partition's head (last sequence and hash), or null when it is empty.</summary>
    Task<(long Sequence, string Hash)?> HeadAsync(string partition);

    /// <summary>
    /// Stores the entries and moves the head to the last, atomically (at most 99 entries, all new
    /// sequences); fails, storing nothing, when any already exists.
    /// </summary>
    Task AppendAsync(string partition, IReadOnlyList<AuditEntry> entries);

    /// <summary>
    /// The partition's entries stored at sequences after <paramref name="afterSequence"/> up to and including
    /// <paramref name="throughSequence"/> that match <paramref name="query"/>, filtered by the store, in
    /// ascending sequence as the keys say. A row whose key is not a sequence comes with key -1.
    /// </summary>
    IAsyncEnumerable<(long KeySequence, AuditEntry Entry)> ReadAsync(
        string partition, AuditQuery query, long afterSequence = 0, long throughSequence = long.MaxValue);

    /// <summary>HMAC-SHA256 (hex) of a whole partition's verification summary, with the audit signing key.</summary>
    string Sign(string partition, long count, string headHash);

    /// <summary>HMAC-SHA256 (hex) of a range's verification summary, with a key of its own.</summary>
    string SignRange(string partition, long count, long firstSequence, long lastSequence, string headHash);
}
