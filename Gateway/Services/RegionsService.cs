using Custodian.Regions;
using Custodian.Validation;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Regions;

namespace Custodian.Gateway.Services;

/// <summary>The Regions gRPC service: replication status for operators and officers; a tenant's resynchronisation for officers.</summary>
[Authorize]
public sealed class RegionsService(IClusterClient cluster, GatewayOptions gateway) : Proto.Regions.RegionsBase
{
    [Authorize(Roles = "operator,officer")]
    public override async Task<Proto.RegionStatus> GetStatus(Proto.GetRegionStatusRequest request, ServerCallContext context) =>
        ToProto(await Region().StatusAsync());

    [Authorize(Roles = "officer")]
    public override async Task<Proto.ResyncReport> Resync(Proto.ResyncRequest request, ServerCallContext context)
    {
        RpcErrors.ThrowIfInvalid(violations => Identifiers.CheckTenantId(request.TenantId, "tenant_id", violations));
        var report = await Region().ResyncAsync(request.TenantId, Caller.Actor(context), request.Kind.Length == 0 ? null : request.Kind);
        RpcErrors.ThrowIfAny(report.Violations);
        var response = new Proto.ResyncReport { TenantId = report.Tenant, From = report.From, To = report.To, Identical = report.Identical };
        response.Counts.AddRange(report.Counts.Select(c => new Proto.ResyncCount { Kind = c.Kind, Compared = c.Compared, Repaired = c.Repaired, Left = c.Left, Note = c.Note }));
        return response;
    }

    [Authorize(Roles = "officer")]
    public override async Task<Proto.PromoteResponse> Promote(Proto.PromoteRequest request, ServerCallContext context)
    {
        RpcErrors.ThrowIfInvalid(violations =>
        {
            Identifiers.CheckTenantId(request.TenantId, "tenant_id", violations);
            Custodian.Access.OfficerReason.Check(request.Reason, "reason", violations);
        });
        var result = await Region().PromoteAsync(request.TenantId, Caller.Actor(context), request.Reason);
        RpcErrors.ThrowIfAny(result.Violations);
        if (result.Refusal is { } refusal)
        {
            RpcErrors.FailedPrecondition($"Not promoted: {refusal}.");
        }

        return new Proto.PromoteResponse { TenantId = result.Tenant, From = result.From, To = result.To, Epoch = result.Epoch, Loss = result.Loss };
    }

    /// <summary>The status as the wire carries it.</summary>
    public static Proto.RegionStatus ToProto(RegionStatus status)
    {
        var proto = new Proto.RegionStatus
        {
            Region = status.Region,
            Pair = status.Pair,
            Zone = status.Zone,
            HoldsLease = status.HoldsLease,
            LeaseRemaining = Duration.FromTimeSpan(status.LeaseRemaining),
            PairReachable = status.PairReachable,
            BacklogItems = status.BacklogItems,
            BacklogOldest = status.BacklogOldest is { } oldest ? Timestamp.FromDateTimeOffset(oldest) : null,
            Drained = status.Drained,
        };
        proto.Tenants.AddRange(status.Tenants.Select(t => new Proto.TenantPlacement
        {
            TenantId = t.Tenant,
            Home = t.Home,
            Writer = t.Writer,
            Epoch = t.Epoch,
            Degraded = t.Degraded,
            DegradedSince = t.DegradedSince is { } since ? Timestamp.FromDateTimeOffset(since) : null,
        }));
        return proto;
    }

    private IRegionsGrain Region() => cluster.GetGrain<IRegionsGrain>(gateway.Region);
}
