using Custodian.Access;
using Custodian.Exports;
using Custodian.Gateway.Routing;
using Custodian.Validation;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Access;

namespace Custodian.Gateway.Services;

/// <summary>
/// The Access gRPC service: officers issue, approve, renew and revoke grants; officers and the DPO read them and the log.
/// Input is checked with the contracts' rules, which the grains apply again; the grains decide (separation of duties,
/// the policy) and this service maps their outcome.
/// </summary>
[Authorize(Roles = "officer,dpo")]
public sealed class AccessService(RegionRouter router, TimeProvider time) : Proto.Access.AccessBase
{
    [Authorize(Roles = "officer")]
    public override async Task<Proto.Grant> IssueGrant(Proto.IssueGrantRequest request, ServerCallContext context)
    {
        var result = await router.Provider().GetGrain<IAccessGrantGrain>(Grant.NewId())
            .IssueAsync(AccessMapper.ToDomain(request, time.GetUtcNow()), Caller.Actor(context), request.Justification, renewalOf: null);
        return Map(result);
    }

    [Authorize(Roles = "officer")]
    public override async Task<Proto.Grant> ApproveGrant(Proto.GrantActionRequest request, ServerCallContext context)
    {
        CheckAction(request.GrantId, request.Reason);
        return Map(await Grain(request.GrantId).ApproveAsync(Caller.Actor(context), request.Reason));
    }

    [Authorize(Roles = "officer")]
    public override async Task<Proto.Grant> RevokeGrant(Proto.GrantActionRequest request, ServerCallContext context)
    {
        CheckAction(request.GrantId, request.Reason);
        return Map(await Grain(request.GrantId).RevokeAsync(Caller.Actor(context), request.Reason));
    }

    [Authorize(Roles = "officer")]
    public override async Task<Proto.Grant> RenewGrant(Proto.RenewGrantRequest request, ServerCallContext context)
    {
        RpcErrors.ThrowIfInvalid(v => Identifiers.CheckGrantId(request.GrantId, "grant_id", v));
        return Map(await Grain(request.GrantId).RenewAsync(Caller.Actor(context), request.Justification, request.ValidUntil?.ToDateTimeOffset()));
    }

    public override async Task<Proto.Grant> GetGrant(Proto.GetGrantRequest request, ServerCallContext context)
    {
        RpcErrors.ThrowIfInvalid(v => Identifiers.CheckGrantId(request.GrantId, "grant_id", v));
        var grant = await Grain(request.GrantId).GetAsync();
        if (grant is null)
        {
            RpcErrors.NotFound("No grant has this id.");
        }

        return AccessMapper.ToProto(grant);
    }

    public override async Task<Proto.ListGrantLogResponse> ListGrantLog(Proto.ListGrantLogRequest request, ServerCallContext context)
    {
        var response = new Proto.ListGrantLogResponse();
        response.Events.AddRange((await QueryAsync(request)).Select(AccessMapper.ToProto));
        return response;
    }

    public override async Task<Proto.ExportGrantLogResponse> ExportGrantLog(Proto.ExportGrantLogRequest request, ServerCallContext context)
    {
        if (request.Format is not ("csv" or "json"))
        {
            RpcErrors.InvalidArgument([new FieldViolation("format", "is csv or json")]);
        }

        var events = await QueryAsync(request.Filter ?? new Proto.ListGrantLogRequest());
        if (request.Format == "json")
        {
            var list = new Proto.ListGrantLogResponse();
            list.Events.AddRange(events.Select(AccessMapper.ToProto));
            return new Proto.ExportGrantLogResponse { ContentType = "application/json", Content = ByteString.CopyFromUtf8(JsonFormatter.Default.Format(list)) };
        }

        var csv = Csv.Write(AccessMapper.CsvHeader, events.Select(AccessMapper.CsvRow));
        return new Proto.ExportGrantLogResponse { ContentType = "text/csv", Content = ByteString.CopyFromUtf8(csv) };
    }

    [Authorize(Roles = "officer")]
    public override async Task<Proto.AccessReview> OpenReview(Proto.OpenReviewRequest request, ServerCallContext context) =>
        AccessMapper.ToProto(await Reviews().OpenAsync(Caller.Actor(context)));

    public override async Task<Proto.AccessReview> GetReview(Proto.GetReviewRequest request, ServerCallContext context)
    {
        var review = await Reviews().GetAsync();
        if (review is null)
        {
            RpcErrors.NotFound("No access review was ever opened.");
        }

        return AccessMapper.ToProto(review);
    }

    [Authorize(Roles = "officer")]
    public override async Task<Proto.AccessReview> DecideReviewItem(Proto.DecideReviewItemRequest request, ServerCallContext context)
    {
        CheckAction(request.GrantId, request.Reason);
        var result = await Reviews().DecideAsync(request.GrantId, request.Confirm, Caller.Actor(context), request.Reason);
        RpcErrors.ThrowIfAny(result.Violations);

        if (result.Review is null)
        {
            RpcErrors.FailedPrecondition(result.Refusal ?? "The review refused this decision.");
        }

        return AccessMapper.ToProto(result.Review);
    }

    private IAccessReviewGrain Reviews() => router.Provider().GetGrain<IAccessReviewGrain>(IAccessReviewGrain.Key);

    private async Task<IReadOnlyList<GrantEvent>> QueryAsync(Proto.ListGrantLogRequest filter) =>
        await router.Provider().GetGrain<IGrantLogGrain>(IGrantLogGrain.Key).QueryAsync(
            string.IsNullOrEmpty(filter.Principal) ? null : filter.Principal,
            string.IsNullOrEmpty(filter.TenantId) ? null : filter.TenantId,
            filter.From?.ToDateTimeOffset(),
            filter.Until?.ToDateTimeOffset());

    private IAccessGrantGrain Grain(string grantId) => router.Provider().GetGrain<IAccessGrantGrain>(grantId);

    private static Proto.Grant Map(GrantResult result)
    {
        if (result.NotFound)
        {
            RpcErrors.NotFound("No grant has this id.");
        }

        RpcErrors.ThrowIfAny(result.Violations);

        if (result.Forbidden)
        {
            RpcErrors.PermissionDenied(result.Refusal ?? "This officer may not act on this grant.");
        }

        if (result.Grant is null)
        {
            RpcErrors.FailedPrecondition(result.Refusal ?? "The grant refused this transition.");
        }

        return AccessMapper.ToProto(result.Grant);
    }

    /// <summary>Throws INVALID_ARGUMENT for a bad grant id or officer's reason.</summary>
    private static void CheckAction(string grantId, string reason) => RpcErrors.ThrowIfInvalid(v =>
    {
        Identifiers.CheckGrantId(grantId, "grant_id", v);
        OfficerReason.Check(reason, "reason", v);
    });
}
