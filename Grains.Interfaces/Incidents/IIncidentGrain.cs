namespace Custodian.Incidents;

/// <summary>
/// A breach incident (keyed by its id). For now it can be opened as a draft by a security alert and
/// read; the officer's workflow, deadlines and notices build on it.
/// </summary>
[Alias("Custodian.Incidents.IIncidentGrain")]
public interface IIncidentGrain : IGrainWithStringKey
{
    /// <summary>Opens the incident as a draft; idempotent (a second call returns the first draft).</summary>
    [Alias("OpenDraft")]
    Task<Incident> OpenDraftAsync(DateTimeOffset awareAt, string nature, string openedBy, string? alertId);

    /// <summary>The incident, or null when it was never opened.</summary>
    [Alias("Get")]
    Task<Incident?> GetAsync();
}
