namespace Custodian.Audit;

/// <summary>
/// The authentic checkpoints of a partition the store found, each with where it was found (the pair region's name, or
/// this region's, where a restore puts those a backup carried); where it could not look (<see cref="Unread"/>, e.g. an
/// unreachable pair); and how many checkpoints failed their MAC and were ignored.
/// </summary>
public sealed record AuditCheckpointLookup(IReadOnlyList<(AuditCheckpoint Checkpoint, string Source)> Found, string? Unread, int Forged)
{
    /// <summary>No checkpoint anywhere.</summary>
    public static readonly AuditCheckpointLookup None = new([], null, 0);

    /// <summary>The checkpoint at the highest sequence, or null when none was found.</summary>
    public (AuditCheckpoint Checkpoint, string Source)? Newest => Found.Count == 0 ? null : Found.MaxBy(f => f.Checkpoint.Sequence);
}
