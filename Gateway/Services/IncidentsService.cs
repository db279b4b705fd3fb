using Custodian.Gateway.Routing;
using Custodian.Incidents;
using Custodian.Validation;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Incidents;

namespace Custodian.Gateway.Services;

/// <summary>
/// The Incidents gRPC service: breach incidents for officers and the DPO, every call an administrative call audited
/// before and after by the audit interceptor. Bad input is INVALID_ARGUMENT naming the fields, checked with the
/// contracts' rules that the incident grain applies again (which alone checks times against its clock); a refused
/// transition, incomplete Art. 33(3) content or a late notice without reasons is FAILED_PRECONDITION with its reason.
/// </summary>
[Authorize(Roles = Administrators)]
public sealed class IncidentsService(RegionRouter router) : Proto.Incidents.IncidentsBase
{
    private const string Administrators = "officer,dpo";

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.IncidentResponse> OpenIncident(Proto.OpenIncidentRequest request, ServerCallContext context)
    {
        var opening = new IncidentOpening(request.AwareAt?.ToDateTimeOffset() ?? default, IncidentMapper.ToDomain(request.Facts), Caller.Actor(context));
        var idempotencyKey = context.RequestHeaders.GetValue(IdempotencyKeys.HeaderName);
        Check(request.TenantId, request.IncidentId, v =>
        {
            v.AddRange(opening.Validate(now: null));
            IdempotencyKeys.Check(idempotencyKey, v);
        });
        return await AnswerAsync(request.TenantId, request.IncidentId, await Grain(request.TenantId, request.IncidentId).OpenAsync(opening, idempotencyKey));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.IncidentResponse> GetIncident(Proto.IncidentRef request, ServerCallContext context)
    {
        Check(request.TenantId, request.IncidentId);
        var grain = Grain(request.TenantId, request.IncidentId);
        return await grain.GetAsync() is { } found
            ? IncidentMapper.ToResponse(found, await grain.GetDeliveriesAsync())
            : throw NoSuchIncident();
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.IncidentResponse> UpdateIncident(Proto.UpdateIncidentRequest request, ServerCallContext context)
    {
        var facts = IncidentMapper.ToDomain(request.Facts);
        Check(request.TenantId, request.IncidentId, v => v.AddRange(facts.ValidateUpdate()));
        return await AnswerAsync(request.TenantId, request.IncidentId, await Grain(request.TenantId, request.IncidentId).UpdateAsync(facts, Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.IncidentResponse> ConfirmIncident(Proto.IncidentRef request, ServerCallContext context)
    {
        Check(request.TenantId, request.IncidentId);
        return await AnswerAsync(request.TenantId, request.IncidentId, await Grain(request.TenantId, request.IncidentId).ConfirmAsync(Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.IncidentResponse> CloseIncident(Proto.IncidentRef request, ServerCallContext context)
    {
        Check(request.TenantId, request.IncidentId);
        return await AnswerAsync(request.TenantId, request.IncidentId, await Grain(request.TenantId, request.IncidentId).CloseAsync(Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.IncidentResponse> SendNotice(Proto.SendNoticeRequest request, ServerCallContext context)
    {
        var notice = IncidentMapper.ToDomain(request);
        Check(request.TenantId, request.IncidentId, v => v.AddRange(notice.Validate()));
        return await AnswerAsync(request.TenantId, request.IncidentId, await Grain(request.TenantId, request.IncidentId).SendNoticeAsync(notice, Caller.Actor(context)));
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.ListIncidentsResponse> ListIncidents(Proto.ListIncidentsRequest request, ServerCallContext context)
    {
        var rows = await Register(request.TenantId);
        var response = new Proto.ListIncidentsResponse();
        response.Incidents.AddRange(rows.Select(IncidentMapper.ToProto));
        return response;
    }

    [Authorize(Roles = Administrators)]
    public override async Task<Proto.ExportRegisterResponse> ExportRegister(Proto.ExportRegisterRequest request, ServerCallContext context)
    {
        if (request.Format is not (Proto.RegisterFormat.Json or Proto.RegisterFormat.Csv))
        {
            RpcErrors.InvalidArgument([new FieldViolation("format", "is json or csv")]);
        }

        var rows = await Register(request.TenantId);
        return request.Format == Proto.RegisterFormat.Json
            ? new Proto.ExportRegisterResponse { ContentType = "application/json", Content = IncidentRegisterExport.ToJson(rows) }
            : new Proto.ExportRegisterResponse { ContentType = "text/csv", Content = IncidentRegisterExport.ToCsv(rows) };
    }

    private async Task<System.Collections.Immutable.ImmutableArray<IncidentSummary>> Register(string tenantId)
    {
        if (!string.IsNullOrEmpty(tenantId))
        {
            RpcErrors.ThrowIfInvalid(v => Identifiers.CheckTenantId(tenantId, "tenant_id", v));
        }

        return await router.Provider().GetGrain<IIncidentRegisterGrain>(IIncidentRegisterGrain.Key).ListAsync(string.IsNullOrEmpty(tenantId) ? null : tenantId);
    }

    /// <summary>The incident as it now stands, or the outcome as the matching status.</summary>
    private async Task<Proto.IncidentResponse> AnswerAsync(string tenantId, string incidentId, IncidentResult result)
    {
        if (result.NotFound)
        {
            throw NoSuchIncident();
        }

        RpcErrors.ThrowIfAny(result.Violations);

        if (result.Refusal is { } refusal)
        {
            RpcErrors.FailedPrecondition(refusal);
        }

        return IncidentMapper.ToResponse(result.Incident!, await Grain(tenantId, incidentId).GetDeliveriesAsync());
    }

    private static RpcException NoSuchIncident() => new(new Status(StatusCode.NotFound, "There is no incident with this id in this tenant."));

    /// <summary>Throws INVALID_ARGUMENT naming every bad field of the incident's key and of what <paramref name="more"/> checks.</summary>
    private static void Check(string tenantId, string incidentId, Action<List<FieldViolation>>? more = null) => RpcErrors.ThrowIfInvalid(v =>
    {
        Incident.CheckRef(tenantId, incidentId, v);
        more?.Invoke(v);
    });

    private IIncidentGrain Grain(string tenantId, string incidentId) => router.Tenant(tenantId).GetGrain<IIncidentGrain>(Incident.GrainKey(tenantId, incidentId));
}
