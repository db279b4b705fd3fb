using System.Collections.Immutable;
using Custodian.Audit;
using Custodian.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Custodian.Backups;

/// <summary>
/// Backups of one region. A reminder starts a backup every period; retention is applied after each.
/// Every backup carries a signed checkpoint of each audit partition's head, taken as it starts.
/// Jobs run in a grain timer that interleaves with status calls, so progress can be read while one runs.
/// </summary>
public sealed class BackupGrain(
    IBackupVault vault,
    AuditReader trail,
    IOptions<BackupOptions> options,
    ILogger<BackupGrain> logger,
    TimeProvider timeProvider) : Grain, IBackupGrain, IRemindable
{
    private const string ReminderName = "backup";
    private readonly BackupOptions _options = options.Value;
    private BackupJob? _job;
    private long _progress;
    private IGrainTimer? _timer;

    public async Task EnsureScheduledAsync()
    {
        if (await this.GetReminder(ReminderName) is null)
        {
            await this.RegisterOrUpdateReminder(ReminderName, _options.Period, _options.Period);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        this.RecordReminderLag(reminderName, status, timeProvider);
        await StartBackupAsync("schedule");
    }

    public Task<BackupJob> StartBackupAsync(string actor) =>
        Task.FromResult(Start(BackupJobKind.Backup, actor, async ct =>
        {
            // A partition that cannot give its checkpoint (its stored head refused) does not stop the backup of the states.
            var (checkpoints, failed) = await trail.CheckpointsAsync();
            var manifest = await vault.CreateBackupAsync(checkpoints, new Progress(this), ct);
            var deleted = await vault.DeleteOlderThanAsync(timeProvider.GetUtcNow() - _options.Retention, ct);
            BackupLog.BackupCompleted(logger, manifest.BackupId, manifest.StateCount, manifest.TombstoneCount, manifest.CheckpointCount, failed, deleted);
            var none = failed == 0 ? "" : $" ({failed} gave none, see the silo's log)";
            return _job! with
            {
                Manifest = manifest,
                Message = $"{manifest.StateCount} envelopes and {manifest.TombstoneCount} tombstones backed up, with checkpoints of {manifest.CheckpointCount} audit partition(s){none}; {deleted} expired backup(s) deleted",
            };
        }));

    public Task<BackupJob> StartRestoreAsync(string backupId, string target, string actor) =>
        Task.FromResult(RefuseNames(backupId, target, actor) ?? Start(BackupJobKind.Restore, actor, async ct =>
        {
            var summary = await vault.RestoreAsync(backupId, target, new Progress(this), ct);
            BackupLog.RestoreCompleted(logger, backupId, target, summary.StatesRestored, summary.ErasedLeftOut);
            return _job! with
            {
                Restore = summary,
                Message = $"{summary.StatesRestored} envelopes restored into {target}; {summary.ErasedLeftOut} of erased grains left out; {summary.CheckpointsRestored} audit checkpoint(s) brought along",
            };
        }));

    public Task<BackupJob?> GetJobAsync() => Task.FromResult(_job is { State: BackupJobState.Running } ? _job with { Progress = _progress } : _job);

    public async Task<ImmutableArray<BackupManifest>> ListBackupsAsync() => [.. await vault.ListBackupsAsync(CancellationToken.None)];

    /// <summary>
    /// A restore whose backup id or target breaks <see cref="Identifiers.CheckBackupName"/> (the gateway checks the same)
    /// names no backup or configured target: it fails at once, as not found or unknown, without touching storage or
    /// replacing the last job. Null when both names are well-formed.
    /// </summary>
    private BackupJob? RefuseNames(string backupId, string target, string actor)
    {
        var violations = new List<FieldViolation>();
        Identifiers.CheckBackupName(backupId, "backup_id", violations);
        var badId = violations.Count > 0;
        Identifiers.CheckBackupName(target, "target", violations);
        if (violations.Count == 0)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var failure = badId ? BackupFailure.BackupNotFound : BackupFailure.TargetUnknown;
        return new BackupJob(NewJobId(BackupJobKind.Restore, now), BackupJobKind.Restore, BackupJobState.Failed, 0, now, now, actor, failure.Message(), null, null, failure);
    }

    private static string NewJobId(BackupJobKind kind, DateTimeOffset now) => $"{kind.ToString().ToLowerInvariant()}-{now:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..40];

    private BackupJob Start(BackupJobKind kind, string actor, Func<CancellationToken, Task<BackupJob>> work)
    {
        if (_job is { State: BackupJobState.Running } running)
        {
            return running with { Progress = _progress };
        }

        var now = timeProvider.GetUtcNow();
        _progress = 0;
        _job = new BackupJob(NewJobId(kind, now), kind, BackupJobState.Running, 0, now, null, actor, "running", null, null);
        BackupLog.JobStarted(logger, _job.JobId, kind, actor);
        _timer = this.RegisterGrainTimer(async ct =>
        {
            try
            {
                _job = await work(ct) with { State = BackupJobState.Succeeded, Progress = _progress, FinishedAt = timeProvider.GetUtcNow() };
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // The exception's text names accounts, URLs and blobs: it goes to the error log only; the job keeps a code of ours.
                var report = vault.Classify(e);
                BackupLog.JobFailed(logger, e, _job!.JobId, report.Failure.Code());
                _job = _job! with { State = BackupJobState.Failed, Progress = _progress, FinishedAt = timeProvider.GetUtcNow(), Failure = report.Failure, Message = report.Message };
            }
            finally
            {
                _timer?.Dispose();
                _timer = null;
            }
        }, new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = true });
        return _job;
    }

    /// <summary>Counts rows handled; reported on the grain's own scheduler.</summary>
    private sealed class Progress(BackupGrain grain) : IProgress<long>
    {
        public void Report(long value) => Interlocked.Exchange(ref grain._progress, value);
    }
}
