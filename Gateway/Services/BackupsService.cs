using Custodian.Backups;
using Custodian.Gateway.Routing;
using Custodian.Validation;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Backups;

namespace Custodian.Gateway.Services;

/// <summary>The Backups gRPC service: start and watch backups and restores of the gateway's region.</summary>
[Authorize(Roles = "operator,officer")]
public sealed class BackupsService(RegionRouter router) : Proto.Backups.BackupsBase
{
    public override async Task<Proto.BackupJob> StartBackup(Proto.StartBackupRequest request, ServerCallContext context) =>
        ToProto(await Region().StartBackupAsync(Caller.Actor(context)));

    public override async Task<Proto.BackupJob> GetJob(Proto.GetJobRequest request, ServerCallContext context)
    {
        var job = await Region().GetJobAsync();
        if (job is null)
        {
            RpcErrors.NotFound("No backup or restore ran since the region's silo started.");
        }

        return ToProto(job);
    }

    public override async Task<Proto.ListBackupsResponse> ListBackups(Proto.ListBackupsRequest request, ServerCallContext context)
    {
        var response = new Proto.ListBackupsResponse();
        response.Backups.AddRange((await Region().ListBackupsAsync()).Select(ToProto));
        return response;
    }

    public override async Task<Proto.BackupJob> Restore(Proto.RestoreRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        Identifiers.CheckBackupName(request.BackupId, "backup_id", violations);
        Identifiers.CheckBackupName(request.Target, "target", violations);
        RpcErrors.ThrowIfAny(violations);
        return ToProto(await Region().StartRestoreAsync(request.BackupId, request.Target, Caller.Actor(context)));
    }

    private IBackupGrain Region() => router.Region().GetGrain<IBackupGrain>(router.OwnRegion);

    private static Proto.BackupJob ToProto(BackupJob job) => new()
    {
        JobId = job.JobId,
        Kind = (Proto.JobKind)(int)job.Kind,
        State = (Proto.JobState)(int)job.State,
        Progress = job.Progress,
        StartedAt = Timestamp.FromDateTimeOffset(job.StartedAt),
        FinishedAt = job.FinishedAt is { } finished ? Timestamp.FromDateTimeOffset(finished) : null,
        StartedBy = job.StartedBy,
        Message = job.Message,
        ErrorCode = job.Failure.Code(),
        Manifest = job.Manifest is { } manifest ? ToProto(manifest) : null,
        Restore = job.Restore is { } summary ? new Proto.RestoreSummary
        {
            BackupId = summary.BackupId,
            Target = summary.Target,
            StatesRestored = summary.StatesRestored,
            ErasedLeftOut = summary.ErasedLeftOut,
            KeysCopied = summary.KeysCopied,
            TombstonesRestored = summary.TombstonesRestored,
            CheckpointsRestored = summary.CheckpointsRestored,
        } : null,
    };

    private static Proto.BackupManifest ToProto(BackupManifest manifest) => new()
    {
        BackupId = manifest.BackupId,
        Region = manifest.Region,
        StartedAt = Timestamp.FromDateTimeOffset(manifest.StartedAt),
        CompletedAt = Timestamp.FromDateTimeOffset(manifest.CompletedAt),
        StateCount = manifest.StateCount,
        TombstoneCount = manifest.TombstoneCount,
        StatesSha256 = manifest.StatesSha256,
        TombstonesSha256 = manifest.TombstonesSha256,
        CheckpointCount = manifest.CheckpointCount,
        CheckpointsSha256 = manifest.CheckpointsSha256,
    };
}
