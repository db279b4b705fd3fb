using Custodian.Audit;
using Google.Protobuf.WellKnownTypes;
using Proto = Custodian.Gateway.Protos.Audit;

namespace Custodian.Gateway.Services;

/// <summary>Maps audit verifications and entries to the Audit API's messages.</summary>
internal static class AuditMapper
{
    public static Proto.PartitionVerification ToProto(AuditVerification verification) => new()
    {
        Partition = verification.Partition,
        Count = verification.Count,
        HeadHash = verification.HeadHash,
        FirstBadSequence = verification.FirstBadSequence ?? 0,
        Reason = verification.Reason ?? "",
        Signature = verification.Signature,
        Intact = verification.Intact,
        FirstSequence = verification.FirstSequence,
        LastSequence = verification.LastSequence,
        Replica = verification.Replica ?? "",
        ReplicaIdentical = verification.ReplicaIdentical,
        Tail = verification.Tail switch
        {
            AuditTailCheck.NoCheckpoint => Proto.TailCheck.NoCheckpoint,
            AuditTailCheck.Matches => Proto.TailCheck.Matches,
            AuditTailCheck.Truncated => Proto.TailCheck.Truncated,
            AuditTailCheck.Rewritten => Proto.TailCheck.Rewritten,
            _ => Proto.TailCheck.NotChecked,
        },
        CheckpointSequence = verification.Checkpoint?.Sequence ?? 0,
        CheckpointHash = verification.Checkpoint?.Hash ?? "",
        CheckpointAt = verification.Checkpoint is { } checkpoint ? Timestamp.FromDateTimeOffset(checkpoint.At) : null,
        CheckpointSource = verification.CheckpointSource ?? "",
        ForgedCheckpoints = verification.ForgedCheckpoints,
    };

    public static Proto.AuditEntry ToProto(AuditEntry entry, string partition) => new()
    {
        Sequence = entry.Sequence,
        Partition = partition,
        At = Timestamp.FromDateTimeOffset(entry.Record.At),
        Actor = entry.Record.Actor,
        Action = entry.Record.Action,
        Target = entry.Record.Target,
        Outcome = entry.Record.Outcome,
        SourceIp = entry.Record.SourceIp,
        GrantId = entry.Record.GrantId,
        PreviousHash = entry.PreviousHash,
        Hash = entry.Hash,
        Purpose = entry.Record.Purpose,
        Count = entry.Record.Count,
    };
}
