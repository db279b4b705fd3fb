using System.Collections.Immutable;

namespace Custodian.Security;

/// <summary>
/// A principal's access statistics: the last hour by minute, the last week by hour, its baseline
/// (mean calls per minute over the active hours before the current one) and how many source
/// networks it is known from.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Security.PrincipalActivity")]
public sealed record PrincipalActivity(
    [property: Id(0)] string Principal,
    [property: Id(1)] ImmutableArray<ActivityBucket> Minutes,
    [property: Id(2)] ImmutableArray<ActivityBucket> Hours,
    [property: Id(3)] double BaselinePerMinute,
    [property: Id(4)] int KnownNetworks);
