using Custodian.Backups;

namespace Custodian.Silo.Backups;

/// <summary>
/// A job the vault stops on purpose (unknown target or backup, target not empty, damaged backup), with the failure to
/// report and, for a damaged backup, what was found (the file of the backup and what is wrong with it; no storage names).
/// </summary>
internal sealed class BackupFailureException(BackupFailure failure, string? finding = null) : Exception(failure.Message(finding))
{
    public BackupFailure Failure { get; } = failure;

    /// <summary>A damaged backup: <paramref name="finding"/> names the file and what is wrong with it.</summary>
    public static BackupFailureException Damaged(string finding) => new(BackupFailure.BackupDamaged, finding);
}
