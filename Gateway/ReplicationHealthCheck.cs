using System.Globalization;
using Custodian.Gateway.Routing;
using Custodian.Regions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Custodian.Gateway;

/// <summary>
/// The gateway's own region's replication in its health report: healthy while the region holds its lease and
/// every write reaches its pair; degraded (still serving) while the pair is unreachable or a backlog is
/// pending, with its size and oldest age; unhealthy when the region lost its lease (it writes nothing).
/// </summary>
internal sealed class ReplicationHealthCheck(RegionRouter router) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        RegionStatus status;
        try
        {
            status = await router.Region().GetGrain<IRegionsGrain>(router.OwnRegion).StatusAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the region's replication status is not available: " + e.GetType().Name);
        }

        var data = new Dictionary<string, object>
        {
            ["pair"] = status.Pair,
            ["pair_reachable"] = status.PairReachable,
            ["backlog_items"] = status.BacklogItems,
            ["backlog_oldest_age_seconds"] = status.BacklogOldest is { } oldest ? Math.Round((DateTimeOffset.UtcNow - oldest).TotalSeconds) : 0,
            ["degraded_tenants"] = status.Tenants.Count(t => t.Degraded),
        };
        if (!status.HoldsLease)
        {
            return HealthCheckResult.Unhealthy($"{status.Region} does not hold its lease at the witness: it writes nothing", data: data);
        }

        return status.PairReachable && status.BacklogItems == 0
            ? HealthCheckResult.Healthy($"every write reaches {status.Pair}", data)
            : HealthCheckResult.Degraded(string.Create(CultureInfo.InvariantCulture,
                $"{(status.PairReachable ? "reaching" : "cannot reach")} {status.Pair}; {status.BacklogItems} item(s) not yet replicated"), data: data);
    }
}
