using System.Security.Cryptography;
using Custodian.Access;
using Custodian.Gateway.Access;
using Custodian.Hosting;
using Custodian.Requests;
using Custodian.Subjects;
using Custodian.Validation;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Requests;

namespace Custodian.Gateway.Services;

/// <summary>
/// The Requests gRPC service. Filing is an operation on the subject, decided (and audited) by the access
/// decider: a client application in its own tenant over the API, or staff and officers holding a grant over
/// the helpdesk. Transitions and lists are administrative calls of officers and the DPO, audited before and
/// after by the audit interceptor. A refused transition is FAILED_PRECONDITION with its reason.
/// </summary>
[Authorize]
public sealed class RequestsService(IClusterClient cluster, AccessDecider access) : Proto.Requests.RequestsBase
{
    private const string Administrators = "officer,dpo";

    [Performs(Operation.FileRequest)]
    [Authorize(Roles = "app,staff,officer")]
    public override async Task<Proto.RequestResponse> FileRequest(Proto.FileRequestRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        SubjectRef.Check(request.TenantId, request.SubjectId, violations);
        if (request.Kind == Proto.RequestKind.Unspecified || !Enum.IsDefined(request.Kind))
        {
            violations.Add(new FieldViolation("kind", "is one of access, portability, rectification, erasure, restriction, objection"));
        }

        var user = context.GetHttpContext().User;
        switch (request.Channel)
        {
            case Proto.RequestChannel.Api when !user.IsInRole(CustodianClaims.AppRole):
                violations.Add(new FieldViolation("channel", "api is for the tenant's client application; staff and officers file over the helpdesk"));
                break;
            case Proto.RequestChannel.Helpdesk when !(user.IsInRole("staff") || user.IsInRole("officer")):
                violations.Add(new FieldViolation("channel", "helpdesk is for staff and officers; a client application files over the api"));
                break;
            case Proto.RequestChannel.Api or Proto.RequestChannel.Helpdesk:
                break;
            default:
                violations.Add(new FieldViolation("channel", "is api or helpdesk"));
                break;
        }

        if (request.ReceivedAt is not null && request.Channel != Proto.RequestChannel.Helpdesk)
        {
            violations.Add(new FieldViolation("received_at", "is given only for a helpdesk entry; an api request is received when it is filed"));
        }

        RpcErrors.ThrowIfAny(violations);
        await access.RequireAsync(context, request.TenantId, request.SubjectId);

        var requestId = "req-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();
        var filing = new RequestFiling(request.SubjectId, RequestMapper.ToDomain(request.Kind), RequestMapper.ToDomain(request.Channel),
            Caller.Actor(context), request.ReceivedAt?.ToDateTimeOffset());
        return Answer(await Grain(request.TenantId, requestId).FileAsync(filing));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.RequestResponse> GetRequest(Proto.RequestRef request, ServerCallContext context)
    {
        Check(request.TenantId, request.RequestId, []);
        return await Grain(request.TenantId, request.RequestId).GetAsync() is { } found
            ? RequestMapper.ToResponse(found)
            : throw NoSuchRequest();
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.RequestResponse> CheckIdentity(Proto.CheckIdentityRequest request, ServerCallContext context)
    {
        Check(request.TenantId, request.RequestId, []);
        return Answer(await Grain(request.TenantId, request.RequestId).CheckIdentityAsync(request.Verified, Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.RequestResponse> PauseRequest(Proto.RequestRef request, ServerCallContext context)
    {
        Check(request.TenantId, request.RequestId, []);
        return Answer(await Grain(request.TenantId, request.RequestId).PauseAsync(Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.RequestResponse> ResumeRequest(Proto.RequestRef request, ServerCallContext context)
    {
        Check(request.TenantId, request.RequestId, []);
        return Answer(await Grain(request.TenantId, request.RequestId).ResumeAsync(Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.RequestResponse> ExtendRequest(Proto.ExtendRequestRequest request, ServerCallContext context)
    {
        Check(request.TenantId, request.RequestId, []);
        return Answer(await Grain(request.TenantId, request.RequestId).ExtendAsync(request.Months, request.Reasons, Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.RequestResponse> CloseRequest(Proto.CloseRequestRequest request, ServerCallContext context)
    {
        Check(request.TenantId, request.RequestId, []);
        return Answer(await Grain(request.TenantId, request.RequestId).CloseAsync(RequestMapper.ToDomain(request), Caller.Actor(context)));
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
        var listed = await cluster.GetGrain<IRequestRegisterGrain>(request.TenantId).ListAsync(RequestMapper.ToDomain(request.Listing));
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

        if (!result.Violations.IsDefaultOrEmpty)
        {
            RpcErrors.InvalidArgument(result.Violations);
        }

        if (result.Refusal is { } refusal)
        {
            RpcErrors.FailedPrecondition(refusal);
        }

        return RequestMapper.ToResponse(result.Request!);
    }

    private static RpcException NoSuchRequest() => new(new Status(StatusCode.NotFound, "There is no request with this id in this tenant."));

    private static void Check(string tenantId, string requestId, List<FieldViolation> violations)
    {
        Identifiers.CheckTenantId(tenantId, "tenant_id", violations);
        Identifiers.CheckTenantId(requestId, "request_id", violations);
        RpcErrors.ThrowIfAny(violations);
    }

    private ISubjectRequestGrain Grain(string tenantId, string requestId) =>
        cluster.GetGrain<ISubjectRequestGrain>(SubjectRequest.GrainKey(tenantId, requestId));
}
