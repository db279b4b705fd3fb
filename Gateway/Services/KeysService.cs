using Custodian.Keys;
using Custodian.Subjects;
using Custodian.Validation;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Keys;

namespace Custodian.Gateway.Services;

/// <summary>The Keys gRPC service: KEK rotation for operators and officers; shredding and receipts for officers.</summary>
[Authorize(Roles = "operator,officer")]
public sealed class KeysService(IClusterClient cluster, GatewayOptions gateway) : Proto.Keys.KeysBase
{
    private const int MaxReasonLength = 256;

    public override async Task<Proto.RotationStatus> RotateKek(Proto.RotateKekRequest request, ServerCallContext context)
    {
        var result = await Region().RotateAsync(CallerScope.Actor(context));
        if (!result.Started)
        {
            RpcErrors.FailedPrecondition($"A rotation to {result.Status.TargetKekId} is still rewrapping ({result.Status.Remaining} data keys remaining).");
        }

        return KeyMapper.ToProto(result.Status);
    }

    public override async Task<Proto.RotationStatus> GetRotationStatus(Proto.GetRotationStatusRequest request, ServerCallContext context) =>
        KeyMapper.ToProto(await Region().GetRotationStatusAsync());

    [Authorize(Roles = "officer")]
    public override async Task<Proto.ShredSubjectResponse> ShredSubject(Proto.ShredSubjectRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        SubjectRef.Check(request.TenantId, request.SubjectId, violations);
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            violations.Add(new FieldViolation("reason", "is required"));
        }
        else if (request.Reason.Length > MaxReasonLength)
        {
            violations.Add(new FieldViolation("reason", $"is longer than {MaxReasonLength} characters"));
        }

        RpcErrors.ThrowIfAny(violations);
        var erasure = await cluster.GetGrain<IDataSubjectGrain>(new SubjectRef(request.TenantId, request.SubjectId).GrainKey)
            .ShredAsync(CallerScope.Actor(context), request.Reason);
        return new Proto.ShredSubjectResponse { ReceiptId = erasure.ReceiptId, ErasedAt = Timestamp.FromDateTimeOffset(erasure.ErasedAt) };
    }

    [Authorize(Roles = "officer")]
    public override async Task<Proto.ShredReceipt> GetShredReceipt(Proto.GetShredReceiptRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.ReceiptId) || request.ReceiptId.Length > 128 || request.ReceiptId.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
        {
            RpcErrors.InvalidArgument([new FieldViolation("receipt_id", "is required: letters, digits and '-', at most 128")]);
        }

        var receipt = await Region().GetShredReceiptAsync(request.ReceiptId);
        if (receipt is null)
        {
            RpcErrors.NotFound("No shred receipt has this id.");
        }

        return KeyMapper.ToProto(receipt);
    }

    private IKeyManagementGrain Region() => cluster.GetGrain<IKeyManagementGrain>(gateway.Region);
}
