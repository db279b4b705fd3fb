namespace Custodian.Incidents;

/// <summary>
/// A breach incident as far as it is recorded: when the provider became aware, what is known of its
/// nature, who or what opened it, and the alert that led to it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Incidents.Incident")]
public sealed record Incident(
    [property: Id(0)] string IncidentId,
    [property: Id(1)] IncidentStatus Status,
    [property: Id(2)] DateTimeOffset AwareAt,
    [property: Id(3)] string Nature,
    [property: Id(4)] string OpenedBy,
    [property: Id(5)] string? AlertId);
