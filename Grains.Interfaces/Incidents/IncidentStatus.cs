namespace Custodian.Incidents;

/// <summary>
/// Where a breach incident stands. Draft → Open (confirmed by an officer) → Closed; a draft may also be
/// closed (dismissed, still in the register). Every other move is refused.
/// </summary>
[GenerateSerializer, Alias("Custodian.Incidents.IncidentStatus")]
public enum IncidentStatus
{
    /// <summary>Not opened.</summary>
    None = 0,

    /// <summary>Opened as a draft (by a security-report rule) for the officer to assess.</summary>
    Draft = 1,

    /// <summary>Opened or confirmed by an officer: assessed, notified, its deadline running.</summary>
    Open = 2,

    /// <summary>Closed with its remedial action; final, kept in the register.</summary>
    Closed = 3,
}
