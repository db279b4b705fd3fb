using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Incidents;

/// <summary>
/// The outcome of an incident operation: the incident as it now is, or invalid fields, or a refusal (an illegal
/// transition, missing Art. 33(3) content named in <see cref="MissingParts"/>, a late notice without reasons), or
/// that there is no such incident. A refused operation changes nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Incidents.IncidentResult")]
public sealed record IncidentResult(
    [property: Id(0)] Incident? Incident,
    [property: Id(1)] ImmutableArray<FieldViolation> Violations,
    [property: Id(2)] string? Refusal,
    [property: Id(3)] ImmutableArray<string> MissingParts,
    [property: Id(4)] bool NotFound = false)
{
    public static IncidentResult Ok(Incident incident) => new(incident, [], null, []);

    public static IncidentResult Invalid(IEnumerable<FieldViolation> violations) => new(null, [.. violations], null, []);

    public static IncidentResult Refused(string reason, ImmutableArray<string> missing = default) =>
        new(null, [], reason, missing.IsDefault ? [] : missing);

    public static IncidentResult Missing() => new(null, [], "There is no such incident.", [], NotFound: true);
}
