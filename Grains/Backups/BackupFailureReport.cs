namespace Custodian.Backups;

/// <summary>
/// What a failed job reports: its <see cref="Failure"/> and the sentence for it, the fixed one or, for a damaged backup,
/// that one and which file of the backup was found wrong and how (file names of the backup's format; never an account,
/// URL, container or blob path).
/// </summary>
public sealed record BackupFailureReport(BackupFailure Failure, string Message);
