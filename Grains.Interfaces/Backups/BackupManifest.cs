namespace Custodian.Backups;

/// <summary>
/// What one backup holds: when it was taken, how many encrypted envelopes and tombstones, and the
/// SHA-256 of each file, so a restore can prove it reads what was written. Never keys, never plaintext.
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
    [property: Id(8)] int Format = 1);
