using System.Collections.Immutable;

namespace Custodian.Incidents;

/// <summary>The breach register (Art. 33(5)): a row per incident, kept whether or not it was notified; encrypted at rest.</summary>
public sealed class IncidentRegisterGrain([PersistentState("register", "secure")] IPersistentState<IncidentRegisterState> state) : Grain, IIncidentRegisterGrain
{
    public async Task UpsertAsync(IncidentSummary summary)
    {
        var previous = state.State.Rows;
        state.State.Rows = previous.SetItem(Incident.GrainKey(summary.TenantId, summary.IncidentId), summary);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Rows = previous;
            throw;
        }
    }

    public Task<ImmutableArray<IncidentSummary>> ListAsync(string? tenantId) =>
        Task.FromResult<ImmutableArray<IncidentSummary>>([.. state.State.Rows.Values
            .Where(r => tenantId is null || r.TenantId == tenantId || r.AffectedTenants.Contains(tenantId))
            .OrderBy(r => r.AwareAt)
            .ThenBy(r => r.IncidentId, StringComparer.Ordinal)]);
}
