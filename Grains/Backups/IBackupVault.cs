using Custodian.Audit;

namespace Custodian.Backups;

/// <summary>What backups need from the silo's storage (implemented by the silo), so grains never reference hosting code.</summary>
public interface IBackupVault
{
    /// <summary>
    /// Copies every encrypted envelope, the tombstone list and <paramref name="checkpoints"/> (signed checkpoints of the audit
    /// trail's partitions) to a new backup, with a signed manifest; reports rows copied.
    /// </summary>
    Task<BackupManifest> CreateBackupAsync(IReadOnlyList<AuditCheckpoint> checkpoints, IProgress<long> progress, CancellationToken cancellationToken);

    /// <summary>The complete backups (those with a manifest), newest first.</summary>
    Task<IReadOnlyList<BackupManifest>> ListBackupsAsync(CancellationToken cancellationToken);

    /// <summary>Deletes backups, complete or not, started before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>
    /// Rebuilds state from a backup into the named, empty target account, and puts the audit checkpoints it carries into the
    /// target's checkpoint table; reports rows handled. A backup whose manifest is not authentic, or one of whose files does
    /// not match its manifest or cannot be read, is refused before anything is written to the target.
    /// </summary>
    Task<RestoreSummary> RestoreAsync(string backupId, string target, IProgress<long> progress, CancellationToken cancellationToken);

    /// <summary>What a failure of one of these methods was, for the job to store and report instead of its text.</summary>
    BackupFailureReport Classify(Exception exception);
}
