namespace Custodian.Regions;

/// <summary>
/// A region's replication, as operators and officers see it (keyed by region name): who writes each tenant
/// at which epoch, whether the region holds its lease and reaches its pair, and the backlog; and the
/// resynchronisation of one tenant's copies from the writer to the replica. Every call is audited.
/// </summary>
[Alias("Custodian.Regions.IRegionsGrain")]
public interface IRegionsGrain : IGrainWithStringKey
{
    /// <summary>The region's replication status now.</summary>
    [Alias("Status")]
    Task<RegionStatus> StatusAsync();

    /// <summary>
    /// Compares this region's and its pair's copies of <paramref name="tenant"/> (states, data keys,
    /// tombstones, shred receipts) and of this region's audit partitions, and repairs the pair's from
    /// this region's; refused unless this region is the tenant's writer.
    /// </summary>
    [Alias("Resync")]
    Task<ResyncReport> ResyncAsync(string tenant, string actor);
}
