using System.Collections.Immutable;

namespace Custodian.Access;

/// <summary>
/// A principal's grants at a version, and whether the principal is suspended (then it has none, and a
/// client application acting by its role is refused too); a cache keeps the highest version it has
/// seen, whatever order messages arrive in.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.PrincipalGrants")]
public sealed record PrincipalGrants([property: Id(0)] long Version, [property: Id(1)] ImmutableArray<Grant> Grants, [property: Id(2)] bool Suspended = false);
