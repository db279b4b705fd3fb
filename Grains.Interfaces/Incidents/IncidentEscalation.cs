namespace Custodian.Incidents;

/// <summary>One escalation reminder sent to the officer and the DPO: the point after awareness it stands for, when, and its mail.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Incidents.IncidentEscalation")]
public sealed record IncidentEscalation(
    [property: Id(0)] TimeSpan After,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string? MessageId);
