using System.Collections.Immutable;

namespace Custodian.Security;

/// <summary>
/// What one gateway saw of one principal during one evaluation period, from the decisions it
/// audited: calls, denials, exports, calls allowed by the app role, the distinct subjects (as their
/// audit hashes) and the source networks.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Security.ActivitySample")]
public sealed record ActivitySample(
    [property: Id(0)] DateTimeOffset PeriodStart,
    [property: Id(1)] DateTimeOffset PeriodEnd,
    [property: Id(2)] int Calls,
    [property: Id(3)] int Denied,
    [property: Id(4)] int Exports,
    [property: Id(5)] int AppCalls,
    [property: Id(6)] ImmutableArray<string> Subjects,
    [property: Id(7)] ImmutableArray<string> Networks);
