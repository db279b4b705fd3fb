using Custodian.Access;
using Custodian.Gateway.Routing;
using Custodian.Security;
using Custodian.Validation;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Security;

namespace Custodian.Gateway.Services;

/// <summary>The SecurityReports gRPC service: alerts and per-principal statistics for officers and the DPO; officers lift suspensions.</summary>
[Authorize(Roles = "officer,dpo")]
public sealed class SecurityReportsService(RegionRouter router) : Proto.SecurityReports.SecurityReportsBase
{
    public override async Task<Proto.ListAlertsResponse> ListAlerts(Proto.ListAlertsRequest request, ServerCallContext context)
    {
        if (request.Limit is < 0 or > 1000)
        {
            RpcErrors.InvalidArgument([new FieldViolation("limit", "is 0 (for 100) to 1000")]);
        }

        var alerts = await router.Region().GetGrain<ISecurityAlertsGrain>(router.OwnRegion)
            .ListAsync(request.Since?.ToDateTimeOffset(), request.Limit == 0 ? 100 : request.Limit);
        var response = new Proto.ListAlertsResponse();
        response.Alerts.AddRange(alerts.Select(a => new Proto.Alert
        {
            AlertId = a.AlertId,
            Rule = a.Rule,
            Principal = a.Principal,
            At = Timestamp.FromDateTimeOffset(a.At),
            Detail = a.Detail,
            Suspended = a.Suspended,
            IncidentId = a.IncidentId ?? "",
        }));
        return response;
    }

    public override async Task<Proto.PrincipalActivity> GetActivity(Proto.GetActivityRequest request, ServerCallContext context)
    {
        CheckPrincipal(request.Principal, []);
        var activity = await router.Region().GetGrain<IPrincipalActivityGrain>(IPrincipalActivityGrain.Key(router.OwnRegion, request.Principal)).GetAsync();
        var suspension = await router.Provider().GetGrain<IPrincipalGrain>(request.Principal).GetSuspensionAsync();
        var response = new Proto.PrincipalActivity
        {
            Principal = activity.Principal,
            BaselinePerMinute = activity.BaselinePerMinute,
            KnownNetworks = activity.KnownNetworks,
            Suspension = suspension is null ? null : ToProto(suspension),
        };
        response.Minutes.AddRange(activity.Minutes.Select(ToProto));
        response.Hours.AddRange(activity.Hours.Select(ToProto));
        return response;
    }

    [Authorize(Roles = "officer")]
    public override async Task<Proto.ResumePrincipalResponse> ResumePrincipal(Proto.ResumePrincipalRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        OfficerReason.Check(request.Reason, "reason", violations);
        CheckPrincipal(request.Principal, violations);
        var result = await router.Provider().GetGrain<IPrincipalGrain>(request.Principal).ResumeAsync(Caller.Actor(context), request.Reason);
        RpcErrors.ThrowIfAny(result.Violations);

        if (result.Refusal is { } refusal)
        {
            RpcErrors.PermissionDenied(refusal);
        }

        if (result.Lifted is null)
        {
            RpcErrors.NotFound("This principal is not suspended.");
        }

        return new Proto.ResumePrincipalResponse { Lifted = ToProto(result.Lifted) };
    }

    /// <summary>Throws INVALID_ARGUMENT for a bad principal or any violation found before.</summary>
    private static void CheckPrincipal(string principal, List<FieldViolation> violations)
    {
        Identifiers.CheckPrincipal(principal, "principal", violations);
        RpcErrors.ThrowIfAny(violations);
    }

    private static Proto.Suspension ToProto(Suspension s) => new() { AlertId = s.AlertId, Rule = s.Rule, Since = Timestamp.FromDateTimeOffset(s.Since) };

    private static Proto.ActivityBucket ToProto(ActivityBucket b) => new() { Start = Timestamp.FromDateTimeOffset(b.Start), Calls = b.Calls, Denied = b.Denied, Exports = b.Exports };
}
