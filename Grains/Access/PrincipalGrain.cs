using System.Collections.Immutable;

namespace Custodian.Access;

/// <summary>
/// A principal's grants that are in force or awaiting approval (each grant keeps its copy here
/// current), and when each last allowed a call. Uses are saved at most once a minute per grant.
/// </summary>
public sealed class PrincipalGrain([PersistentState("principal", "secure")] IPersistentState<PrincipalState> state) : Grain, IPrincipalGrain
{
    public Task<ImmutableArray<Grant>> GetGrantsAsync() => Task.FromResult(state.State.Grants.Values.ToImmutableArray());

    public async Task RecordUseAsync(string grantId, DateTimeOffset at)
    {
        var saved = state.State.LastUses.TryGetValue(grantId, out var last) ? last : DateTimeOffset.MinValue;
        if (at - saved >= TimeSpan.FromMinutes(1))
        {
            state.State.LastUses = state.State.LastUses.SetItem(grantId, at);
            await state.WriteStateAsync();
        }
    }

    public Task<ImmutableDictionary<string, DateTimeOffset>> GetLastUsesAsync() => Task.FromResult(state.State.LastUses);

    public async Task GrantChangedAsync(Grant grant)
    {
        state.State.Grants = grant.Status is GrantStatus.Active or GrantStatus.AwaitingApproval
            ? state.State.Grants.SetItem(grant.GrantId, grant)
            : state.State.Grants.Remove(grant.GrantId);
        await state.WriteStateAsync();
    }
}
