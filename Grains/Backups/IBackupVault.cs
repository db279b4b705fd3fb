namespace Custodian.Backups;

/// <summary>What backups need from the silo's storage (implemented by the silo), so grains never reference hosting code.</summary>
public interface IBackupVault
{
    /// <summary>Copies every encrypted envelope and the tombstone list to a new backup; reports rows copied.</summary>
    Task<BackupManifest> CreateBackupAsync(IProgress<long> progress, CancellationToken cancellationToken);

    /// <summary>The complete backups (those with a manifest), newest first.</summary>
    Task<IReadOnlyList<BackupManifest>> ListBackupsAsync(CancellationToken cancellationToken);

    /// <summary>Deletes backups, complete or not, started before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Rebuilds state from a backup into the named, empty target account; reports rows handled.</summary>
    Task<RestoreSummary> RestoreAsync(string backupId, string target, IProgress<long> progress, CancellationToken cancellationToken);

    /// <summary>What a failure of one of these methods was, for the job to store and report instead of its text.</summary>
    BackupFailure Classify(Exception exception);
}
