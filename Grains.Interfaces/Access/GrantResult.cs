using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Access;

/// <summary>The outcome of a grant operation: the grant, invalid fields, or a refused transition (with why).</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.GrantResult")]
public sealed record GrantResult(
    [property: Id(0)] Grant? Grant,
    [property: Id(1)] ImmutableArray<FieldViolation> Violations,
    [property: Id(2)] string? Refusal)
{
    public static GrantResult Ok(Grant grant) => new(grant, [], null);

    public static GrantResult Invalid(IEnumerable<FieldViolation> violations) => new(null, [.. violations], null);

    public static GrantResult Refused(string why) => new(null, [], why);
}
