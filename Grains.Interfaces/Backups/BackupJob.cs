namespace Custodian.Backups;

/// <summary>The kind of a backup-area job.</summary>
[GenerateSerializer, Alias("Custodian.Backups.BackupJobKind")]
public enum BackupJobKind
{
    /// <summary>Copying the encrypted envelopes to the backup container.</summary>
    Backup = 0,

    /// <summary>Rebuilding state into an empty storage account from a backup.</summary>
    Restore = 1,
}

/// <summary>Where a job stands.</summary>
[GenerateSerializer, Alias("Custodian.Backups.BackupJobState")]
public enum BackupJobState
{
    /// <summary>Still working; <see cref="BackupJob.Progress"/> counts rows handled.</summary>
    Running = 0,

    /// <summary>Finished; the manifest or summary says what it did.</summary>
    Succeeded = 1,

    /// <summary>Stopped; the message says why. Nothing half-done counts: a backup without a manifest is ignored, a restore target is left for inspection.</summary>
    Failed = 2,
}

/// <summary>
/// One backup or restore job of a region, as its status reports it; a failed one carries its
/// <see cref="Failure"/> and, as <see cref="Message"/>, that failure's fixed sentence.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Backups.BackupJob")]
public sealed record BackupJob(
    [property: Id(0)] string JobId,
    [property: Id(1)] BackupJobKind Kind,
    [property: Id(2)] BackupJobState State,
    [property: Id(3)] long Progress,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] DateTimeOffset? FinishedAt,
    [property: Id(6)] string StartedBy,
    [property: Id(7)] string Message,
    [property: Id(8)] BackupManifest? Manifest,
    [property: Id(9)] RestoreSummary? Restore,
    [property: Id(10)] BackupFailure Failure = BackupFailure.None);
