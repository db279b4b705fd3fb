using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Access;

/// <summary>
/// The outcome of a grant operation: the grant, invalid fields, a refused transition (with why), —
/// when <see cref="Forbidden"/> — an officer the separation of duties does not allow to act (with why), or —
/// when <see cref="NotFound"/> — no grant with this id.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.GrantResult")]
public sealed record GrantResult(
    [property: Id(0)] Grant? Grant,
    [property: Id(1)] ImmutableArray<FieldViolation> Violations,
    [property: Id(2)] string? Refusal,
    [property: Id(3)] bool Forbidden = false,
    [property: Id(4)] bool NotFound = false)
{
    public static GrantResult Ok(Grant grant) => new(grant, [], null);

    public static GrantResult Invalid(IEnumerable<FieldViolation> violations) => new(null, [.. violations], null);

    /// <summary>The grant's state does not allow the transition.</summary>
    public static GrantResult Refused(string why) => new(null, [], why);

    /// <summary>This officer may not act on this grant (separation of duties, suspension); nothing changed.</summary>
    public static GrantResult NotAllowed(string why) => new(null, [], why, Forbidden: true);

    /// <summary>No grant has this id; nothing changed.</summary>
    public static GrantResult Missing() => new(null, [], "No grant has this id.", NotFound: true);
}
