using Custodian.Keys;
using Custodian.Storage;
using Google.Protobuf.WellKnownTypes;
using Proto = Custodian.Gateway.Protos.Keys;

namespace Custodian.Gateway.Services;

/// <summary>Maps key-management results to the Keys API's messages.</summary>
internal static class KeyMapper
{
    public static Proto.RotationStatus ToProto(RotationStatus status)
    {
        var proto = new Proto.RotationStatus
        {
            Phase = (Proto.RotationPhase)(int)status.Phase,
            CurrentKekId = status.CurrentKekId,
            TargetKekId = status.TargetKekId ?? "",
            Done = status.Done,
            Remaining = status.Remaining,
            Passes = status.Passes,
            StartedAt = status.StartedAt is { } started ? Timestamp.FromDateTimeOffset(started) : null,
            CompletedAt = status.CompletedAt is { } completed ? Timestamp.FromDateTimeOffset(completed) : null,
            StartedBy = status.StartedBy ?? "",
        };
        proto.RetiredKekIds.AddRange(status.RetiredKekIds);
        proto.KekIds.AddRange(status.KekIds);
        return proto;
    }

    public static Proto.ShredReceipt ToProto(ShredReceipt receipt)
    {
        var proto = new Proto.ShredReceipt
        {
            ReceiptId = receipt.ReceiptId,
            GrainId = receipt.GrainId,
            KeyId = receipt.KeyId,
            ShreddedAt = Timestamp.FromDateTimeOffset(receipt.ShreddedAt),
            Actor = receipt.Actor,
            Reason = receipt.Reason,
        };
        proto.StoresCleared.AddRange(receipt.StoresCleared);
        return proto;
    }
}
