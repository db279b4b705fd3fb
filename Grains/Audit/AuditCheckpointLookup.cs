namespace Custodian.Audit;

/// <summary>
/// The newest authentic checkpoint of a partition the store found (null when none), where it was found (the pair
/// region's name, or this region's when a restore brought it), and how many checkpoints failed their MAC and were ignored.
/// </summary>
public sealed record AuditCheckpointLookup(AuditCheckpoint? Newest, string? Source, int Forged)
{
    /// <summary>No checkpoint anywhere.</summary>
    public static readonly AuditCheckpointLookup None = new(null, null, 0);
}
