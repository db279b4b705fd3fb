using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Custodian.Audit;
using Custodian.Gateway.Routing;
using Custodian.Hosting;

namespace Custodian.Gateway.Audit;

/// <summary>
/// The audit trails the gateway writes to: one <see cref="AuditWriter"/> per region, over that region's cluster
/// (the own region's is the host's writer; another region's is made once its client is connected). A call's
/// records go to the trail of the region that serves it (<see cref="RegionRouter.AuditRegionOf"/>): a tenant's
/// call to its writer's trail, records without a tenant (a refused token, the gateway's start, a denial before
/// the tenant is known) to the gateway's own. A trail that cannot be reached fails the write with
/// <see cref="RegionUnavailableException"/> naming the region, and the caller fails closed.
/// </summary>
public sealed class RegionalAuditTrail(
    AuditWriter own, RegionRouter router, RegionClients clients, AuditOptions options, IMeterFactory meters) : IAuditTrail, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<AuditWriter>> _others = new(StringComparer.Ordinal);

    /// <summary>The region whose trail the current call's records go to.</summary>
    public string RegionOfCurrentCall => router.AuditRegionOf(GatewayCall.Current);

    /// <summary>Stores the records in the trail of the region that serves the current call (the gateway's own outside a call).</summary>
    public Task WriteAsync(ImmutableArray<AuditRecord> records)
    {
        var call = GatewayCall.Current;
        var region = router.AuditRegionOf(call);
        return WriteAsync(region, records, call?.Tenant is { } tenant && router.WriterOf(tenant) == region ? tenant : null);
    }

    /// <summary>Stores the records in <paramref name="region"/>'s trail, together and in order; completes when they are durable there.</summary>
    public Task WriteAsync(string region, ImmutableArray<AuditRecord> records) => WriteAsync(region, records, tenant: null);

    /// <summary>As <see cref="WriteAsync(string, ImmutableArray{AuditRecord})"/>; a region that cannot be reached is named as <paramref name="tenant"/>'s writer.</summary>
    private async Task WriteAsync(string region, ImmutableArray<AuditRecord> records, string? tenant)
    {
        var writer = WriterOf(region, tenant);
        try
        {
            await writer.WriteAsync(records);
        }
        catch (Exception e) when (RegionUnavailableException.IsUnreachable(e))
        {
            throw new RegionUnavailableException(region, $"The cluster of region {region}, which holds the call's audit trail, does not answer.", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _others.Values.Where(w => w.IsValueCreated))
        {
            await writer.Value.DisposeAsync();
        }
    }

    private AuditWriter WriterOf(string region, string? tenant)
    {
        if (region == clients.OwnRegion)
        {
            return own;
        }

        var cluster = clients.Get(region, tenant); // throws when the gateway has no connected client of the region
        return _others.GetOrAdd(region, r => new Lazy<AuditWriter>(() =>
        {
            // The writer's storing loops must not carry the call that happened to make them.
            if (ExecutionContext.IsFlowSuppressed())
            {
                return new AuditWriter(cluster, r, options.Partitions, meters);
            }

            using (ExecutionContext.SuppressFlow())
            {
                return new AuditWriter(cluster, r, options.Partitions, meters);
            }
        })).Value;
    }
}
