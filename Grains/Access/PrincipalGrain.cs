using System.Collections.Immutable;

namespace Custodian.Access;

/// <summary>A principal's grants that are in force or awaiting approval; each grant keeps its copy here current.</summary>
public sealed class PrincipalGrain([PersistentState("principal", "secure")] IPersistentState<PrincipalState> state) : Grain, IPrincipalGrain
{
    public Task<ImmutableArray<Grant>> GetGrantsAsync() => Task.FromResult(state.State.Grants.Values.ToImmutableArray());

    public async Task GrantChangedAsync(Grant grant)
    {
        state.State.Grants = grant.Status is GrantStatus.Active or GrantStatus.AwaitingApproval
            ? state.State.Grants.SetItem(grant.GrantId, grant)
            : state.State.Grants.Remove(grant.GrantId);
        await state.WriteStateAsync();
    }
}
