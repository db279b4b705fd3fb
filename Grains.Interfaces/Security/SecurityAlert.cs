namespace Custodian.Security;

/// <summary>
/// A security-report rule that fired for a principal: which rule, when, what it saw (counts and
/// thresholds, never personal data), and what was done: the principal's grants suspended, a draft
/// incident opened.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Security.SecurityAlert")]
public sealed record SecurityAlert(
    [property: Id(0)] string AlertId,
    [property: Id(1)] string Rule,
    [property: Id(2)] string Principal,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Detail,
    [property: Id(5)] bool Suspended,
    [property: Id(6)] string? IncidentId);
