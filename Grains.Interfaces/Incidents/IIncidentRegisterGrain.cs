using System.Collections.Immutable;

namespace Custodian.Incidents;

/// <summary>The register of every breach (Art. 33(5)), notified or not; one per cluster, keyed <see cref="Key"/>.</summary>
[Alias("Custodian.Incidents.IIncidentRegisterGrain")]
public interface IIncidentRegisterGrain : IGrainWithStringKey
{
    /// <summary>The key of the register grain.</summary>
    const string Key = "register";

    /// <summary>Adds or replaces an incident's row.</summary>
    [Alias("Upsert")]
    Task UpsertAsync(IncidentSummary summary);

    /// <summary>Every row, earliest awareness first; of one tenant (key or affected) when <paramref name="tenantId"/> is given.</summary>
    [Alias("List")]
    Task<ImmutableArray<IncidentSummary>> ListAsync(string? tenantId);
}
