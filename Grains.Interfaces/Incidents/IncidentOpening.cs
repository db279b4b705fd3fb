using Custodian.Validation;

namespace Custodian.Incidents;

/// <summary>An officer opening an incident: when the provider became aware of the breach, and what is known so far.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Incidents.IncidentOpening")]
public sealed record IncidentOpening(
    [property: Id(0)] DateTimeOffset AwareAt,
    [property: Id(1)] IncidentFacts Facts,
    [property: Id(2)] string OpenedBy)
{
    /// <summary>
    /// Checks the opening: the facts (<see cref="IncidentFacts.Validate"/>), an awareness time (<c>default</c> is none),
    /// a nature and who opens it. With <paramref name="now"/>, also that awareness is not in the future: the incident's
    /// grain passes its clock; a caller on another clock leaves it to the grain.
    /// </summary>
    public List<FieldViolation> Validate(DateTimeOffset? now)
    {
        var violations = Facts?.Validate() ?? [];
        if (AwareAt == default)
        {
            violations.Add(new FieldViolation("aware_at", "is required: when the provider became aware of the breach"));
        }
        else if (AwareAt > now)
        {
            violations.Add(new FieldViolation("aware_at", "is in the future"));
        }

        if (string.IsNullOrWhiteSpace(Facts?.Nature))
        {
            violations.Add(new FieldViolation("nature", "is required when opening an incident"));
        }

        if (string.IsNullOrWhiteSpace(OpenedBy))
        {
            violations.Add(new FieldViolation("opened_by", "is required"));
        }

        return violations;
    }
}
