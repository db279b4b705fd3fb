namespace Custodian.Backups;

/// <summary>
/// What one backup holds: when it was taken, how many encrypted envelopes and tombstones, the signed
/// checkpoints of the audit trail's partitions it carries, and the SHA-256 of each file, so a restore can prove
/// it reads what was written. <see cref="Mac"/> authenticates all of it under the audit integrity key (which the
/// backup's storage does not hold), so no file can be changed together with its digest. Never keys, never plaintext.
/// Format 1 (before checkpoints and signatures) is not restored.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Backups.BackupManifest")]
public sealed record BackupManifest(
    [property: Id(0)] string BackupId,
    [property: Id(1)] string Region,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] DateTimeOffset CompletedAt,
    [property: Id(4)] long StateCount,
    [property: Id(5)] long TombstoneCount,
    [property: Id(6)] string StatesSha256,
    [property: Id(7)] string TombstonesSha256,
    [property: Id(8)] int Format = 1,
    [property: Id(9)] long CheckpointCount = 0,
    [property: Id(10)] string CheckpointsSha256 = "",
    [property: Id(11)] string Mac = "")
{
    /// <summary>The format of the backups made now: with checkpoints and a signed manifest.</summary>
    public const int CurrentFormat = 2;
}
