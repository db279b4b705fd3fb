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
    /// this region's; refused unless this region is the tenant's writer. With <paramref name="kind"/> (one of
    /// <see cref="ResyncReport.Kinds"/>) only that kind, so a caller can show progress kind by kind.
    /// </summary>
    [Alias("Resync")]
    Task<ResyncReport> ResyncAsync(string tenant, string actor, string? kind = null);

    /// <summary>
    /// Makes this region the writer of <paramref name="tenant"/> under a new epoch, an officer's explicit
    /// decision (for a degraded tenant, whose automatic promotion is never done): refused while the current
    /// writer still holds its lease. The result names what is lost: the writes the old writer acknowledged
    /// while degraded and had not replicated. Audited with the reason.
    /// </summary>
    [Alias("Promote")]
    Task<PromotionResult> PromoteAsync(string tenant, string actor, string reason);

    /// <summary>
    /// Moves <paramref name="tenant"/> back from this region (its writer after a failover or a promotion) to its
    /// configured writer under a new epoch, an officer's deliberate decision: this region resynchronises the
    /// pair first and compares the copies, and refuses while they differ, while the pair is unreachable or
    /// does not hold its lease, or when the tenant already sits at its configured writer. Audited with the reason.
    /// </summary>
    [Alias("Failback")]
    Task<PromotionResult> FailbackAsync(string tenant, string actor, string reason);
}
