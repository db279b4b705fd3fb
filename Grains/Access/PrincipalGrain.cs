using System.Collections.Immutable;
using Custodian.Validation;
using Microsoft.Extensions.Logging;

namespace Custodian.Access;

/// <summary>
/// A principal's grants that are in force or awaiting approval (each grant keeps its copy here
/// current), and when each last allowed a call. Uses are saved at most once a minute per grant.
/// A suspension (raised by a security alert, lifted by an officer) withholds every grant from the
/// gateways without touching the grants themselves.
/// </summary>
public sealed class PrincipalGrain(
    [PersistentState("principal", "secure")] IPersistentState<PrincipalState> state,
    ILogger<PrincipalGrain> logger,
    TimeProvider timeProvider) : Grain, IPrincipalGrain
{
    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(5);
    private readonly Dictionary<IPrincipalObserver, DateTimeOffset> _observers = [];

    public Task<ImmutableArray<Grant>> GetGrantsAsync() => Task.FromResult(Grants());

    public Task<PrincipalGrants> SubscribeAsync(IPrincipalObserver observer, TimeSpan lease)
    {
        _observers[observer] = timeProvider.GetUtcNow() + lease;
        return Task.FromResult(new PrincipalGrants(state.State.Version, Grants(), state.State.Suspension is not null));
    }

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

    public async Task<Suspension> SuspendAsync(Suspension suspension)
    {
        if (state.State.Suspension is { } existing)
        {
            return existing;
        }

        state.State.Suspension = suspension;
        state.State.Version++;
        await state.WriteStateAsync();
        AccessLog.PrincipalSuspended(logger, this.GetPrimaryKeyString(), suspension.Rule, suspension.AlertId);
        await NotifyAsync();
        return suspension;
    }

    public async Task<ResumeResult> ResumeAsync(string officer, string reason)
    {
        var principal = this.GetPrimaryKeyString();
        var violations = new List<FieldViolation>();
        Identifiers.CheckPrincipal(principal, "principal", violations);
        OfficerReason.Check(reason, "reason", violations);
        if (violations.Count > 0)
        {
            return new ResumeResult(null, null, [.. violations]);
        }

        var refusal = SeparationOfDuties.RefuseResume(officer, principal)
            ?? await SeparationOfDuties.RefuseSuspendedAsync(GrainFactory, officer);
        if (refusal is not null)
        {
            return new ResumeResult(null, refusal);
        }

        if (state.State.Suspension is not { } lifted)
        {
            return new ResumeResult(null, null);
        }

        state.State.Suspension = null;
        state.State.Version++;
        await state.WriteStateAsync();
        AccessLog.PrincipalResumed(logger, principal, officer, lifted.AlertId);
        await NotifyAsync();
        return new ResumeResult(lifted, null);
    }

    public Task<Suspension?> GetSuspensionAsync() => Task.FromResult(state.State.Suspension);

    public async Task GrantChangedAsync(Grant grant)
    {
        state.State.Grants = grant.Status is GrantStatus.Active or GrantStatus.AwaitingApproval
            ? state.State.Grants.SetItem(grant.GrantId, grant)
            : state.State.Grants.Remove(grant.GrantId);
        state.State.Version++;
        await state.WriteStateAsync();
        await NotifyAsync();
    }

    /// <summary>
    /// Tells every gateway cache with a live lease, and waits for them, so a revocation has reached
    /// them when it returns. A cache that does not answer is dropped; its lease (seconds) bounds how
    /// long it could go on using what it had.
    /// </summary>
    private async Task NotifyAsync()
    {
        var now = timeProvider.GetUtcNow();
        foreach (var expired in _observers.Where(o => o.Value <= now).Select(o => o.Key).ToList())
        {
            _observers.Remove(expired);
        }

        var grants = new PrincipalGrants(state.State.Version, Grants(), state.State.Suspension is not null);
        var principal = this.GetPrimaryKeyString();
        var failed = new List<IPrincipalObserver>();
        await Task.WhenAll(_observers.Keys.ToList().Select(async observer =>
        {
            try
            {
                await observer.GrantsChangedAsync(principal, grants).WaitAsync(NotifyTimeout);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed.Add(observer);
            }
        }));
        foreach (var observer in failed)
        {
            _observers.Remove(observer);
            AccessLog.ObserverDropped(logger, principal);
        }
    }

    /// <summary>The grants the gateways may use: none while the principal is suspended.</summary>
    private ImmutableArray<Grant> Grants() => state.State.Suspension is null ? [.. state.State.Grants.Values] : [];
}
