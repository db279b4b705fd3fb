using System.Collections.Immutable;

namespace Custodian.Access;

/// <summary>A principal's grants at a version; a cache keeps the highest version it has seen, whatever order messages arrive in.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.PrincipalGrants")]
public sealed record PrincipalGrants([property: Id(0)] long Version, [property: Id(1)] ImmutableArray<Grant> Grants);
