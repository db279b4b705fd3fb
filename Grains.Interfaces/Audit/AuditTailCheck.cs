namespace Custodian.Audit;

/// <summary>How a partition's stored tail compares with the newest authentic checkpoint of its head.</summary>
[GenerateSerializer, Alias("Custodian.Audit.AuditTailCheck")]
public enum AuditTailCheck
{
    /// <summary>Not compared: a time range was verified, or the chain broke before its end.</summary>
    NotChecked = 0,

    /// <summary>No authentic checkpoint of the partition was found.</summary>
    NoCheckpoint = 1,

    /// <summary>The stored entry at the checkpoint's sequence has the checkpoint's hash.</summary>
    Matches = 2,

    /// <summary>The stored trail ends before the checkpoint's sequence: its tail was cut off (and its head rolled back with it).</summary>
    Truncated = 3,

    /// <summary>The stored entry at the checkpoint's sequence has another hash: the tail was rewritten, chain and all.</summary>
    Rewritten = 4,
}
