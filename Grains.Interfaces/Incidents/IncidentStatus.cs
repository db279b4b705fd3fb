namespace Custodian.Incidents;

/// <summary>Where a breach incident stands.</summary>
[GenerateSerializer, Alias("Custodian.Incidents.IncidentStatus")]
public enum IncidentStatus
{
    /// <summary>Not opened.</summary>
    None = 0,

    /// <summary>Opened as a draft (by a security-report rule) for the officer to assess.</summary>
    Draft = 1,
}
