namespace Custodian.Incidents;

/// <summary>One entry of an incident's history: what happened, who did it, when, and ids or counts (never personal data).</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Incidents.IncidentTransition")]
public sealed record IncidentTransition(
    [property: Id(0)] string Action,
    [property: Id(1)] string Actor,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Detail);
