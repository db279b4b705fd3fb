using Custodian.Access;
using Custodian.Gateway.Routing;
using Custodian.Regions;
using Custodian.Validation;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Regions;

namespace Custodian.Gateway.Services;

/// <summary>
/// The Regions gRPC service: the status of every region the gateway reaches, for operators and officers; a
/// tenant's resynchronisation and failback (in its writer region) and promotion (in the region that promotes
/// itself) for officers. Each call goes to the cluster of the region it concerns.
/// </summary>
[Authorize]
public sealed class RegionsService(RegionRouter router) : Proto.Regions.RegionsBase
{
    /// <summary>How long the status waits for one region's answer before listing it as unreachable.</summary>
    public static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(3);

    [Authorize(Roles = "operator,officer")]
    public override async Task<Proto.RegionStatus> GetStatus(Proto.GetRegionStatusRequest request, ServerCallContext context)
    {
        var regions = await Task.WhenAll(router.Regions.Select(r => StatusOfAsync(r, context.CancellationToken)));
        var response = regions[0].Clone(); // the gateway's own region, as the top level always was
        response.Regions.AddRange(regions);
        response.Witness.AddRange(router.Placements.Select(row => ToProto(new TenantPlacementStatus(
            row.Tenant, row.Home, row.Writer, row.Epoch, row.Degraded, row.DegradedSince, row.MovedAt, row.MovedFrom, row.MoveReason))));
        response.WitnessReadAt = Time(router.WitnessReadAt);
        return response;
    }

    [Authorize(Roles = "officer")]
    public override async Task<Proto.ResyncReport> Resync(Proto.ResyncRequest request, ServerCallContext context)
    {
        RpcErrors.ThrowIfInvalid(violations => Identifiers.CheckTenantId(request.TenantId, "tenant_id", violations));
        var report = await WriterOf(request.TenantId).ResyncAsync(request.TenantId, Caller.Actor(context), request.Kind.Length == 0 ? null : request.Kind);
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
            CheckTenantAndReason(request.TenantId, request.Reason, violations);
            if (request.Region.Length > 0 && !router.Placement.Regions.ContainsKey(request.Region))
            {
                violations.Add(new FieldViolation("region", "is not a declared region (e.g. eu-north); empty for the pair of the tenant's writer"));
            }
        });
        var region = router.PromotingRegion(request.TenantId, request.Region)
            ?? throw new RegionUnavailableException(null, $"Tenant {request.TenantId} has no placement, so no region can be promoted for it.");
        var result = await router.Region(region).GetGrain<IRegionsGrain>(region).PromoteAsync(request.TenantId, Caller.Actor(context), request.Reason);
        ThrowIfRefused(result, "Not promoted");
        return new Proto.PromoteResponse { TenantId = result.Tenant, From = result.From, To = result.To, Epoch = result.Epoch, Loss = result.Loss };
    }

    [Authorize(Roles = "officer")]
    public override async Task<Proto.FailbackResponse> Failback(Proto.FailbackRequest request, ServerCallContext context)
    {
        RpcErrors.ThrowIfInvalid(violations => CheckTenantAndReason(request.TenantId, request.Reason, violations));
        var result = await WriterOf(request.TenantId).FailbackAsync(request.TenantId, Caller.Actor(context), request.Reason);
        ThrowIfRefused(result, "Not failed back");
        return new Proto.FailbackResponse { TenantId = result.Tenant, From = result.From, To = result.To, Epoch = result.Epoch, Copies = result.Loss };
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
            BacklogOldest = Time(status.BacklogOldest),
            Drained = status.Drained,
            Reachable = true,
        };
        proto.Tenants.AddRange(status.Tenants.Select(ToProto));
        return proto;
    }

    /// <summary>One tenant's placement as the wire carries it (from a region's status, or the gateway's view of the witness).</summary>
    private static Proto.TenantPlacement ToProto(TenantPlacementStatus t) => new()
    {
        TenantId = t.Tenant,
        Home = t.Home,
        Writer = t.Writer,
        Epoch = t.Epoch,
        Degraded = t.Degraded,
        DegradedSince = Time(t.DegradedSince),
        MovedAt = Time(t.MovedAt),
        MovedFrom = t.MovedFrom ?? "",
        MoveReason = t.MoveReason ?? "",
        BacklogItems = t.BacklogItems,
    };

    /// <summary>One region's status, or the region listed as unreachable with the kind of error.</summary>
    private async Task<Proto.RegionStatus> StatusOfAsync(string region, CancellationToken cancellationToken)
    {
        try
        {
            var status = await router.Region(region).GetGrain<IRegionsGrain>(region).StatusAsync().WaitAsync(StatusTimeout, cancellationToken);
            return ToProto(status);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new Proto.RegionStatus { Region = region, Reachable = false, Error = ErrorKind(e) };
        }
    }

    private static string ErrorKind(Exception e) => e switch
    {
        RegionUnavailableException => "not-connected",
        TimeoutException => "timeout",
        _ => e.GetType().Name,
    };

    /// <summary>The Regions grain of the region that writes <paramref name="tenant"/> now.</summary>
    private IRegionsGrain WriterOf(string tenant)
    {
        var (region, cluster) = router.Writer(tenant);
        return cluster.GetGrain<IRegionsGrain>(region);
    }

    private static void CheckTenantAndReason(string tenantId, string reason, List<FieldViolation> violations)
    {
        Identifiers.CheckTenantId(tenantId, "tenant_id", violations);
        OfficerReason.Check(reason, "reason", violations);
    }

    /// <summary>A move refused: its violations as INVALID_ARGUMENT, its refusal as FAILED_PRECONDITION.</summary>
    private static void ThrowIfRefused(PromotionResult result, string what)
    {
        RpcErrors.ThrowIfAny(result.Violations);
        if (result.Refusal is { } refusal)
        {
            RpcErrors.FailedPrecondition($"{what}: {refusal}.");
        }
    }

    private static Timestamp? Time(DateTimeOffset? time) => time is { } t ? Timestamp.FromDateTimeOffset(t) : null;
}
