using Microsoft.Extensions.Logging;

namespace Custodian.Backups;

/// <summary>Log messages of backups: ids and counts only.</summary>
internal static partial class BackupLog
{
    [LoggerMessage(5001, LogLevel.Information, "Job {JobId} ({Kind}) started by {Actor}")]
    public static partial void JobStarted(ILogger logger, string jobId, BackupJobKind kind, string actor);

    [LoggerMessage(5002, LogLevel.Information, "Backup {BackupId} complete: {States} envelopes, {Tombstones} tombstones, checkpoints of {Checkpoints} audit partition(s) ({NoCheckpoint} gave none); {Deleted} expired backup(s) deleted")]
    public static partial void BackupCompleted(ILogger logger, string backupId, long states, long tombstones, long checkpoints, int noCheckpoint, int deleted);

    [LoggerMessage(5003, LogLevel.Information, "Backup {BackupId} restored into {Target}: {Restored} envelopes, {LeftOut} of erased grains left out")]
    public static partial void RestoreCompleted(ILogger logger, string backupId, string target, long restored, long leftOut);

    [LoggerMessage(5004, LogLevel.Error, "Job {JobId} failed ({FailureCode})")]
    public static partial void JobFailed(ILogger logger, Exception exception, string jobId, string failureCode);
}
