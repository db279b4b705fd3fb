using System.Security.Cryptography;
using Custodian.Access;
using Custodian.Gateway.Access;
using Custodian.Gateway.Routing;
using Custodian.Hosting;
using Custodian.Requests;
using Custodian.Validation;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Requests;

namespace Custodian.Gateway.Services;

/// <summary>
/// The Requests gRPC service. Filing is an operation on the subject, decided (and audited) by the access
/// decider: a client application in its own tenant over the API, or staff and officers holding a grant over
/// the helpdesk. Transitions and lists are administrative calls of officers and the DPO, audited before and
/// after by the audit interceptor. Input is checked with the contracts' rules, which the request grain applies again
/// (it alone checks times against its clock); which channel a caller may file over is decided here, from its roles.
/// A refused transition is FAILED_PRECONDITION with its reason.
/// </summary>
[Authorize]
public sealed class RequestsService(RegionRouter router, AccessDecider access) : Proto.Requests.RequestsBase
{
    private const string Administrators = "officer,dpo";

    [Performs(Operation.FileRequest)]
    [Authorize(Roles = "app,staff,officer")]
    public override async Task<Proto.RequestResponse> FileRequest(Proto.FileRequestRequest request, ServerCallContext context)
    {
        var filing = new RequestFiling(request.SubjectId, RequestMapper.ToDomain(request.Kind), RequestMapper.ToDomain(request.Channel),
            Caller.Actor(context), request.ReceivedAt?.ToDateTimeOffset());
        var user = context.GetHttpContext().User;
        var idempotencyKey = context.RequestHeaders.GetValue(IdempotencyKeys.HeaderName);
        RpcErrors.ThrowIfInvalid(v =>
        {
            Identifiers.CheckTenantId(request.TenantId, "tenant_id", v);
            v.AddRange(filing.Validate(now: null));
            IdempotencyKeys.Check(idempotencyKey, v);
            if (filing.Channel == RequestChannel.Api && !user.IsInRole(CustodianClaims.AppRole))
            {
                v.Add(new FieldViolation("channel", "api is for the tenant's client application; staff and officers file over the helpdesk"));
            }
            else if (filing.Channel == RequestChannel.Helpdesk && !(user.IsInRole("staff") || user.IsInRole("officer")))
            {
                v.Add(new FieldViolation("channel", "helpdesk is for staff and officers; a client application files over the api"));
            }
        });
        await access.RequireAsync(context, request.TenantId, request.SubjectId);

        // Under an idempotency key, a repeat of the same caller's filing names the same request, which answers it without filing again.
        var requestId = idempotencyKey is null
            ? "req-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant()
            : RequestIds.ForIdempotencyKey(request.TenantId, filing.EnteredBy, idempotencyKey);
        return Answer(await Grain(request.TenantId, requestId).FileAsync(filing, idempotencyKey));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.RequestResponse> GetRequest(Proto.RequestRef request, ServerCallContext context)
    {
        Check(request.TenantId, request.RequestId);
        return await Grain(request.TenantId, request.RequestId).GetAsync() is { } found
            ? RequestMapper.ToResponse(found)
            : throw NoSuchRequest();
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.RequestResponse> CheckIdentity(Proto.CheckIdentityRequest request, ServerCallContext context)
    {
        Check(request.TenantId, request.RequestId);
        return Answer(await Grain(request.TenantId, request.RequestId).CheckIdentityAsync(request.Verified, Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.RequestResponse> PauseRequest(Proto.RequestRef request, ServerCallContext context)
    {
        Check(request.TenantId, request.RequestId);
        return Answer(await Grain(request.TenantId, request.RequestId).PauseAsync(Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.RequestResponse> ResumeRequest(Proto.RequestRef request, ServerCallContext context)
    {
        Check(request.TenantId, request.RequestId);
        return Answer(await Grain(request.TenantId, request.RequestId).ResumeAsync(Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.RequestResponse> ExtendRequest(Proto.ExtendRequestRequest request, ServerCallContext context)
    {
        Check(request.TenantId, request.RequestId, v => v.AddRange(RequestExtension.Check(request.Months, request.Reasons)));
        return Answer(await Grain(request.TenantId, request.RequestId).ExtendAsync(request.Months, request.Reasons, Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.RequestResponse> CloseRequest(Proto.CloseRequestRequest request, ServerCallContext context)
    {
        var closing = RequestMapper.ToDomain(request);
        Check(request.TenantId, request.RequestId, v => v.AddRange(closing.Validate()));
        return Answer(await Grain(request.TenantId, request.RequestId).CloseAsync(closing, Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.ListRequestsResponse> ListRequests(Proto.ListRequestsRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        Identifiers.CheckTenantId(request.TenantId, "tenant_id", violations);
        if (!Enum.IsDefined(request.Listing))
        {
            violations.Add(new FieldViolation("listing", "is open, due-soon or overdue"));
        }

        RpcErrors.ThrowIfAny(violations);
        var listed = await router.Tenant(request.TenantId).GetGrain<IRequestRegisterGrain>(request.TenantId).ListAsync(RequestMapper.ToDomain(request.Listing));
        var response = new Proto.ListRequestsResponse();
        response.Requests.AddRange(listed.Select(RequestMapper.ToProto));
        return response;
    }

    /// <summary>The request as it now stands, or the outcome as the matching status.</summary>
    private static Proto.RequestResponse Answer(RequestResult result)
    {
        if (result.NotFound)
        {
            throw NoSuchRequest();
        }

        RpcErrors.ThrowIfAny(result.Violations);

        if (result.Refusal is { } refusal)
        {
            RpcErrors.FailedPrecondition(refusal);
        }

        return RequestMapper.ToResponse(result.Request!);
    }

    private static RpcException NoSuchRequest() => new(new Status(StatusCode.NotFound, "There is no request with this id in this tenant."));

    /// <summary>Throws INVALID_ARGUMENT naming every bad field of the request's key and of what <paramref name="more"/> checks.</summary>
    private static void Check(string tenantId, string requestId, Action<List<FieldViolation>>? more = null) => RpcErrors.ThrowIfInvalid(v =>
    {
        SubjectRequest.CheckRef(tenantId, requestId, v);
        more?.Invoke(v);
    });

    private ISubjectRequestGrain Grain(string tenantId, string requestId) =>
        router.Tenant(tenantId).GetGrain<ISubjectRequestGrain>(SubjectRequest.GrainKey(tenantId, requestId));
}
