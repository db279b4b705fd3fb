using Custodian.Backups;

namespace Custodian.Silo.Backups;

/// <summary>A job the vault stops on purpose (unknown target or backup, target not empty, damaged backup), with the failure to report.</summary>
internal sealed class BackupFailureException(BackupFailure failure) : Exception(failure.Message())
{
    public BackupFailure Failure { get; } = failure;
}
