using Custodian.Access;
using Custodian.Gateway.Access;
using Custodian.Gateway.Routing;
using Custodian.Keys;
using Custodian.Subjects;
using Custodian.Validation;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Keys;

namespace Custodian.Gateway.Services;

/// <summary>
/// The Keys gRPC service: KEK rotation for operators and officers; shredding, like any operation on
/// personal data, for whoever the access decision allows to erase the subject (the tenant's app, or
/// a principal with an erase grant); receipts for officers and the DPO.
/// </summary>
[Authorize]
public sealed class KeysService(RegionRouter router, AccessDecider access) : Proto.Keys.KeysBase
{
    [Authorize(Roles = "operator,officer")]
    public override async Task<Proto.RotationStatus> RotateKek(Proto.RotateKekRequest request, ServerCallContext context)
    {
        var result = await Region().RotateAsync(Caller.Actor(context));
        if (!result.Started)
        {
            RpcErrors.FailedPrecondition($"A rotation to {result.Status.TargetKekId} is still rewrapping ({result.Status.Remaining} data keys remaining).");
        }

        return KeyMapper.ToProto(result.Status);
    }

    [Authorize(Roles = "operator,officer")]
    public override async Task<Proto.RotationStatus> GetRotationStatus(Proto.GetRotationStatusRequest request, ServerCallContext context) =>
        KeyMapper.ToProto(await Region().GetRotationStatusAsync());

    [Performs(Operation.Erase)]
    public override async Task<Proto.ShredSubjectResponse> ShredSubject(Proto.ShredSubjectRequest request, ServerCallContext context)
    {
        ErasureInput.Check(request.TenantId, request.SubjectId, request.Reason);
        await access.RequireAsync(context, request.TenantId, request.SubjectId);
        var result = await router.Tenant(request.TenantId).GetGrain<IDataSubjectGrain>(new SubjectRef(request.TenantId, request.SubjectId).GrainKey)
            .EraseAsync(Caller.Actor(context), request.Reason, partial: false);
        RpcErrors.ThrowIfAny(result.Violations);
        var erasure = result.Erasure;
        if (erasure is null)
        {
            RpcErrors.FailedPrecondition($"A legal hold (GDPR Art. 17(3), {result.Hold?.Ground}) keeps data of this subject: it cannot be crypto-shredded and nothing was erased. Subjects.Erase removes what the hold does not keep.");
        }

        return new Proto.ShredSubjectResponse { ReceiptId = erasure.ReceiptId, ErasedAt = Timestamp.FromDateTimeOffset(erasure.ErasedAt) };
    }

    [Authorize(Roles = "officer,dpo")]
    public override async Task<Proto.ShredReceipt> GetShredReceipt(Proto.GetShredReceiptRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        Identifiers.CheckReceiptId(request.ReceiptId, "receipt_id", violations);
        RpcErrors.ThrowIfAny(violations);

        var receipt = await Region().GetShredReceiptAsync(request.ReceiptId);
        if (receipt is null)
        {
            RpcErrors.NotFound("No shred receipt has this id.");
        }

        return KeyMapper.ToProto(receipt);
    }

    private IKeyManagementGrain Region() => router.Region().GetGrain<IKeyManagementGrain>(router.OwnRegion);
}
