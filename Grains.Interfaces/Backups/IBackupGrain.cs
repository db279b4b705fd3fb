using System.Collections.Immutable;

namespace Custodian.Backups;

/// <summary>
/// Backups of one region (keyed by region name): scheduled by a reminder, or started on demand;
/// retention applied after each; restore into an empty storage account. One job at a time.
/// </summary>
[Alias("Custodian.Backups.IBackupGrain")]
public interface IBackupGrain : IGrainWithStringKey
{
    /// <summary>Makes sure the periodic backup reminder exists (called when a silo starts).</summary>
    [Alias("EnsureScheduled")]
    Task EnsureScheduledAsync();

    /// <summary>Starts a backup now; when a job is running, returns that job instead.</summary>
    [Alias("StartBackup")]
    Task<BackupJob> StartBackupAsync(string actor);

    /// <summary>Starts restoring <paramref name="backupId"/> into the configured target account; when a job is running, returns that job instead.</summary>
    [Alias("StartRestore")]
    Task<BackupJob> StartRestoreAsync(string backupId, string target, string actor);

    /// <summary>The running job, or the last one; null when none ran since the grain started.</summary>
    [Alias("GetJob")]
    Task<BackupJob?> GetJobAsync();

    /// <summary>The complete backups still retained, newest first.</summary>
    [Alias("ListBackups")]
    Task<ImmutableArray<BackupManifest>> ListBackupsAsync();
}
