using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Requests;

/// <summary>
/// The outcome of filing or a transition: the request as it now stands, invalid fields, a refused transition
/// (with why; nothing changed), or no such request.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Requests.RequestResult")]
public sealed record RequestResult(
    [property: Id(0)] SubjectRequest? Request,
    [property: Id(1)] ImmutableArray<FieldViolation> Violations,
    [property: Id(2)] string? Refusal,
    [property: Id(3)] bool NotFound)
{
    public static RequestResult Ok(SubjectRequest request) => new(request, [], null, false);

    public static RequestResult Invalid(IEnumerable<FieldViolation> violations) => new(null, [.. violations], null, false);

    public static RequestResult Refused(string why) => new(null, [], why, false);

    public static RequestResult Missing() => new(null, [], null, true);
}
