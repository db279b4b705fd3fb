namespace Custodian.Incidents;

/// <summary>An officer opening an incident: when the provider became aware of the breach, and what is known so far.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Incidents.IncidentOpening")]
public sealed record IncidentOpening(
    [property: Id(0)] DateTimeOffset AwareAt,
    [property: Id(1)] IncidentFacts Facts,
    [property: Id(2)] string OpenedBy);
