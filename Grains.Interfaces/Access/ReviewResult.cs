using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Access;

/// <summary>
/// The outcome of deciding one item of an access review: the review as it now stands, invalid input
/// (<see cref="Violations"/>), or a refusal with why (no open review, no such grant, decided already). A refused
/// or invalid decision changes nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.ReviewResult")]
public sealed record ReviewResult(
    [property: Id(0)] AccessReview? Review,
    [property: Id(1)] ImmutableArray<FieldViolation> Violations,
    [property: Id(2)] string? Refusal)
{
    /// <summary>The decision was recorded.</summary>
    public static ReviewResult Ok(AccessReview review) => new(review, [], null);

    /// <summary>The input is not valid, field by field; nothing changed.</summary>
    public static ReviewResult Invalid(IEnumerable<FieldViolation> violations) => new(null, [.. violations], null);

    /// <summary>The review's state does not allow the decision; nothing changed.</summary>
    public static ReviewResult Refused(string why) => new(null, [], why);
}
