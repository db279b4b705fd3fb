using System.Collections.Immutable;

namespace Custodian.Access;

/// <summary>The log of granted authorisations: every grant transition, appended, never rewritten.</summary>
public sealed class GrantLogGrain([PersistentState("grantlog", "secure")] IPersistentState<GrantLogState> state) : Grain, IGrantLogGrain
{
    public async Task AppendAsync(GrantEvent entry)
    {
        state.State.Entries = state.State.Entries.Add(entry);
        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<GrantEvent>> QueryAsync(string? principal, string? tenantId, DateTimeOffset? from, DateTimeOffset? until) =>
        Task.FromResult(state.State.Entries
            .Where(e => (principal is null || e.Principal == principal)
                && (tenantId is null || e.TenantId == tenantId)
                && (from is null || e.At >= from)
                && (until is null || e.At < until))
            .ToImmutableArray());
}
