namespace Custodian.Backups;

/// <summary>
/// What a restore did: envelopes restored, envelopes left out because their grain was erased, keys and tombstones written, and
/// the audit checkpoints the backup carried, written to the target's checkpoint table.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Backups.RestoreSummary")]
public sealed record RestoreSummary(
    [property: Id(0)] string BackupId,
    [property: Id(1)] string Target,
    [property: Id(2)] long StatesRestored,
    [property: Id(3)] long ErasedLeftOut,
    [property: Id(4)] long KeysCopied,
    [property: Id(5)] long TombstonesRestored,
    [property: Id(6)] long CheckpointsRestored = 0);
