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

    /// <summary>The partition's entries in stored order (ascending sequence as the keys say).</summary>
    IAsyncEnumerable<(long KeySequence, AuditEntry Entry)> ReadAsync(string partition);

    /// <summary>HMAC-SHA256 (hex) of a verification summary, with the audit signing key.</summary>
    string Sign(string partition, long count, string headHash);
}
