namespace Custodian.Backups;

/// <summary>
/// Why a backup or restore job failed, as it is stored and reported: a stable code and a fixed sentence
/// each (<see cref="BackupFailures"/>), never the storage SDK's text, which names accounts, URLs and blobs.
/// </summary>
[GenerateSerializer, Alias("Custodian.Backups.BackupFailure")]
public enum BackupFailure
{
    /// <summary>The job did not fail.</summary>
    None = 0,

    /// <summary><c>unknown</c>: none of the others; the silo's error log has the details under the job id.</summary>
    Unknown = 1,

    /// <summary><c>storage-unavailable</c>: storage could not be reached, timed out or was busy.</summary>
    StorageUnavailable = 2,

    /// <summary><c>container-missing</c>: the backup container or a table the job needs does not exist.</summary>
    ContainerMissing = 3,

    /// <summary><c>forbidden</c>: storage refused the job's credentials or permissions.</summary>
    Forbidden = 4,

    /// <summary><c>target-unknown</c>: no restore target of that name is configured.</summary>
    TargetUnknown = 5,

    /// <summary><c>backup-not-found</c>: no complete backup has that id.</summary>
    BackupNotFound = 6,

    /// <summary><c>target-not-empty</c>: the restore target already holds state.</summary>
    TargetNotEmpty = 7,

    /// <summary><c>backup-damaged</c>: a file of the backup is missing, does not match its manifest or cannot be read, or the manifest's signature fails.</summary>
    BackupDamaged = 8,
}
