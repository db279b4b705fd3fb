using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Regions;

/// <summary>
/// What a resynchronisation compared and repaired, per kind of copy (states, keys, tombstones, receipts,
/// audit); what it found only in the replica or newer there it reports and leaves alone (never deletes).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Regions.ResyncReport")]
public sealed record ResyncReport(
    [property: Id(0)] string Tenant,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] ImmutableArray<ResyncCount> Counts,
    [property: Id(4)] ImmutableArray<FieldViolation> Violations = default)
{
    /// <summary>The kinds of copies a resync compares, in the order it compares them.</summary>
    public static readonly ImmutableArray<string> Kinds = ["states", "keys", "tombstones", "receipts", "audit"];

    /// <summary>Whether both copies were identical afterwards (nothing left different).</summary>
    public bool Identical => !Counts.IsDefault && Counts.All(c => c.Left == 0);
}

/// <summary>
/// One kind of copy: rows compared, repaired in the replica, and left different (with why); of those left,
/// <see cref="OnlyInPair"/> exist in the replica only (written there under an earlier epoch and never
/// acknowledged here, or a loss a promotion accepted).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Regions.ResyncCount")]
public sealed record ResyncCount(
    [property: Id(0)] string Kind,
    [property: Id(1)] long Compared,
    [property: Id(2)] long Repaired,
    [property: Id(3)] long Left,
    [property: Id(4)] string Note = "",
    [property: Id(5)] long OnlyInPair = 0);

/// <summary>The silo's side of a region's replication (its fence, replica and backlog), for <see cref="IRegionsGrain"/>.</summary>
public interface IRegionReplication
{
    /// <summary>The status now.</summary>
    Task<RegionStatus> StatusAsync();

    /// <summary>Resynchronises one tenant's copies from this region (its writer) to the pair: every kind, or only <paramref name="kind"/>.</summary>
    Task<ResyncReport> ResyncAsync(string tenant, string? kind = null);

    /// <summary>Makes this region the tenant's writer under a new epoch once the current writer's lease has ended.</summary>
    Task<PromotionResult> PromoteAsync(string tenant, string reason);

    /// <summary>Moves the tenant from this region back to its configured writer, after resynchronising and comparing the copies.</summary>
    Task<PromotionResult> FailbackAsync(string tenant, string reason);
}
