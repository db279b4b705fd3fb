namespace Custodian.Incidents;

/// <summary>A breach incident, encrypted at rest like every state that may describe people.</summary>
public sealed class IncidentGrain([PersistentState("incident", "secure")] IPersistentState<IncidentState> state) : Grain, IIncidentGrain
{
    public async Task<Incident> OpenDraftAsync(DateTimeOffset awareAt, string nature, string openedBy, string? alertId)
    {
        if (state.State.Incident is { } existing)
        {
            return existing;
        }

        state.State.Incident = new Incident(this.GetPrimaryKeyString(), IncidentStatus.Draft, awareAt, nature, openedBy, alertId);
        await state.WriteStateAsync();
        return state.State.Incident;
    }

    public Task<Incident?> GetAsync() => Task.FromResult(state.State.Incident);
}
