using System.Collections.Immutable;

namespace Custodian.Regions;

/// <summary>A region's replication status: its pair, its lease, its backlog and the tenants it knows.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Regions.RegionStatus")]
public sealed record RegionStatus(
    [property: Id(0)] string Region,
    [property: Id(1)] string Pair,
    [property: Id(2)] string Zone,
    [property: Id(3)] bool HoldsLease,
    [property: Id(4)] TimeSpan LeaseRemaining,
    [property: Id(5)] bool PairReachable,
    [property: Id(6)] int BacklogItems,
    [property: Id(7)] DateTimeOffset? BacklogOldest,
    [property: Id(8)] long Drained,
    [property: Id(9)] ImmutableArray<TenantPlacementStatus> Tenants);

/// <summary>
/// One tenant's placement at the witness: its home pair, writer, epoch and whether it is degraded; the last
/// change of writer (when, from which region, why); and how many of its items this region's backlog holds.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Regions.TenantPlacementStatus")]
public sealed record TenantPlacementStatus(
    [property: Id(0)] string Tenant,
    [property: Id(1)] string Home,
    [property: Id(2)] string Writer,
    [property: Id(3)] long Epoch,
    [property: Id(4)] bool Degraded,
    [property: Id(5)] DateTimeOffset? DegradedSince,
    [property: Id(6)] DateTimeOffset? MovedAt = null,
    [property: Id(7)] string? MovedFrom = null,
    [property: Id(8)] string? MoveReason = null,
    [property: Id(9)] int BacklogItems = 0);
