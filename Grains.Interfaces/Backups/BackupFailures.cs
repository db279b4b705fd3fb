namespace Custodian.Backups;

/// <summary>The stable code and the fixed sentence of each <see cref="BackupFailure"/>.</summary>
public static class BackupFailures
{
    /// <summary>The stable code (e.g. <c>storage-unavailable</c>); empty for <see cref="BackupFailure.None"/>.</summary>
    public static string Code(this BackupFailure failure) => failure switch
    {
        BackupFailure.None => "",
        BackupFailure.StorageUnavailable => "storage-unavailable",
        BackupFailure.ContainerMissing => "container-missing",
        BackupFailure.Forbidden => "forbidden",
        BackupFailure.TargetUnknown => "target-unknown",
        BackupFailure.BackupNotFound => "backup-not-found",
        BackupFailure.TargetNotEmpty => "target-not-empty",
        BackupFailure.BackupDamaged => "backup-damaged",
        _ => "unknown",
    };

    /// <summary>
    /// The fixed sentence of <paramref name="failure"/>, followed by what exactly was found when there is more to say (for a
    /// damaged backup: which file of the backup, by its name in the backup's format, and what is wrong with it).
    /// </summary>
    public static string Message(this BackupFailure failure, string? finding) => finding is null ? failure.Message() : $"{failure.Message()} {finding}";

    /// <summary>The fixed sentence a failed job reports; it names no account, URL, container, table or blob.</summary>
    public static string Message(this BackupFailure failure) => failure switch
    {
        BackupFailure.None => "",
        BackupFailure.StorageUnavailable => "Storage could not be reached, timed out or was busy; the job stopped. Retry later.",
        BackupFailure.ContainerMissing => "The backup container or a table the job needs does not exist.",
        BackupFailure.Forbidden => "Storage refused the job's credentials or permissions.",
        BackupFailure.TargetUnknown => "No restore target of that name is configured (Backup:RestoreTargets).",
        BackupFailure.BackupNotFound => "No complete backup has that id; see the list of backups.",
        BackupFailure.TargetNotEmpty => "The restore target already holds state; a restore only writes into an empty account.",
        BackupFailure.BackupDamaged => "The backup is damaged (a file missing, not matching its signed manifest, or unreadable); nothing was written to the target.",
        _ => "The job failed for a reason not classified; the silo's error log has the details under the job id.",
    };
}
