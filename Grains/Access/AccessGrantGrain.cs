using Custodian.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Custodian.Access;

/// <summary>
/// One authorization. Every transition is appended to its history, told to its principal (so the
/// next decision sees it) and to the log of granted authorisations. A reminder expires it at the
/// end of its window; the window is also checked on every use. Input is checked with the contracts'
/// rules before anything is written; a renewal is a new grant, issued by this one's grain.
/// </summary>
public sealed class AccessGrantGrain(
    [PersistentState("grant", "secure")] IPersistentState<AccessGrantState> state,
    IOptions<AccessPolicy> policy,
    ILogger<AccessGrantGrain> logger,
    TimeProvider timeProvider) : Grain, IAccessGrantGrain, IRemindable
{
    private const string ExpiryReminder = "expire";

    public async Task<GrantResult> IssueAsync(GrantRequest request, string officer, string reason, string? renewalOf)
    {
        if (state.State.Grant is not null)
        {
            return GrantResult.Refused("A grant with this id was already issued; renewal creates a new grant.");
        }

        var now = timeProvider.GetUtcNow();
        var violations = new List<FieldViolation>();
        Identifiers.CheckGrantId(this.GetPrimaryKeyString(), "grant_id", violations);
        violations.AddRange(request.Validate(policy.Value, now));
        if (violations.Count > 0)
        {
            return GrantResult.Invalid(violations);
        }

        if ((SeparationOfDuties.RefuseIssue(officer, request.Principal) ?? await SeparationOfDuties.RefuseSuspendedAsync(GrainFactory, officer)) is { } refusal)
        {
            AccessLog.GrantRefused(logger, this.GetPrimaryKeyString(), officer, "issue");
            return GrantResult.NotAllowed(refusal);
        }

        var status = request.NeedsSecondOfficer(policy.Value) ? GrantStatus.AwaitingApproval : GrantStatus.Active;
        var id = this.GetPrimaryKeyString();
        var issued = new GrantEvent(id, request.Principal, request.Scope.TenantId, renewalOf is null ? "issued" : $"issued (renews {renewalOf})", officer, now, reason);
        var grant = new Grant(id, request, status, officer, null, [issued], renewalOf);
        await this.RegisterOrUpdateReminder(ExpiryReminder, Until(request.ValidUntil, now), TimeSpan.FromMinutes(1));
        await SaveAsync(grant, issued);
        AccessLog.GrantIssued(logger, id, request.Principal, request.Scope.TenantId, status, officer);
        return GrantResult.Ok(grant);
    }

    public async Task<GrantResult> RenewAsync(string officer, string justification, DateTimeOffset? validUntil)
    {
        if (state.State.Grant is not { } old)
        {
            return GrantResult.Missing();
        }

        var now = timeProvider.GetUtcNow();
        var renewed = old.Request with { Justification = justification, ValidFrom = now, ValidUntil = validUntil ?? now };
        return await GrainFactory.GetGrain<IAccessGrantGrain>(Grant.NewId()).IssueAsync(renewed, officer, justification, old.GrantId);
    }

    public async Task<GrantResult> ApproveAsync(string officer, string reason)
    {
        if (Invalid(reason) is { } invalid)
        {
            return invalid;
        }

        if (state.State.Grant is not { Status: GrantStatus.AwaitingApproval } grant)
        {
            return GrantResult.Refused($"Only a grant awaiting approval can be approved; this one is {Describe()}.");
        }

        if ((SeparationOfDuties.RefuseApproval(officer, grant) ?? await SeparationOfDuties.RefuseSuspendedAsync(GrainFactory, officer)) is { } refusal)
        {
            AccessLog.GrantRefused(logger, grant.GrantId, officer, "approve");
            return GrantResult.NotAllowed(refusal);
        }

        return await TransitionAsync(GrantStatus.Active, "approved", officer, reason, approvedBy: officer);
    }

    public async Task<GrantResult> RevokeAsync(string officer, string reason)
    {
        if (Invalid(reason) is { } invalid)
        {
            return invalid;
        }

        if (state.State.Grant is not { Status: GrantStatus.Active or GrantStatus.AwaitingApproval })
        {
            return GrantResult.Refused($"Only an active grant or one awaiting approval can be revoked; this one is {Describe()}.");
        }

        return await TransitionAsync(GrantStatus.Revoked, "revoked", officer, reason);
    }

    public async Task<GrantResult> SuspendAsync(string actor, string reason)
    {
        if (state.State.Grant is not { Status: GrantStatus.Active or GrantStatus.AwaitingApproval })
        {
            return GrantResult.Refused($"Only an active grant or one awaiting approval can be suspended; this one is {Describe()}.");
        }

        return await TransitionAsync(GrantStatus.Suspended, "suspended", actor, reason);
    }

    public Task<Grant?> GetAsync() => Task.FromResult(state.State.Grant);

    /// <summary>After the provider moved here: the expiry reminder of a live grant, from its validity window.</summary>
    public async Task RearmAsync()
    {
        if (state.State.Grant is { Status: GrantStatus.Active or GrantStatus.AwaitingApproval } grant)
        {
            await this.RegisterOrUpdateReminder(ExpiryReminder, Until(grant.Request.ValidUntil, timeProvider.GetUtcNow()), TimeSpan.FromMinutes(1));
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        this.RecordReminderLag(reminderName, status, timeProvider);
        if (!await this.WritesHereAsync())
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        if (state.State.Grant is { Status: GrantStatus.Active or GrantStatus.AwaitingApproval } grant && now >= grant.Request.ValidUntil)
        {
            await TransitionAsync(GrantStatus.Expired, "expired", "system", "the validity window ended");
        }

        if (state.State.Grant is not { Status: GrantStatus.Active or GrantStatus.AwaitingApproval }
            && await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task<GrantResult> TransitionAsync(GrantStatus to, string action, string actor, string reason, string? approvedBy = null)
    {
        var grant = state.State.Grant!;
        var entry = new GrantEvent(grant.GrantId, grant.Request.Principal, grant.Request.Scope.TenantId, action, actor, timeProvider.GetUtcNow(), reason);
        var next = grant with { Status = to, ApprovedBy = approvedBy ?? grant.ApprovedBy, History = grant.History.Add(entry) };
        await SaveAsync(next, entry);
        AccessLog.GrantTransition(logger, grant.GrantId, action, actor);
        return GrantResult.Ok(next);
    }

    /// <summary>Stores the grant, then tells its principal (the next decision sees it) and the log.</summary>
    private async Task SaveAsync(Grant grant, GrantEvent entry)
    {
        state.State.Grant = grant;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IPrincipalGrain>(grant.Request.Principal).GrantChangedAsync(grant);
        await GrainFactory.GetGrain<IGrantLogGrain>(IGrantLogGrain.Key).AppendAsync(entry);
    }

    /// <summary>The refusal for an officer whom a security alert suspended, or null.</summary>
    /// <summary>The refusal of an officer's reason that breaks <see cref="OfficerReason"/>'s rule, or null.</summary>
    private static GrantResult? Invalid(string reason)
    {
        var violations = new List<FieldViolation>();
        OfficerReason.Check(reason, "reason", violations);
        return violations.Count > 0 ? GrantResult.Invalid(violations) : null;
    }

    private string Describe() => state.State.Grant?.Status.ToString().ToLowerInvariant() ?? "not issued";

    private static TimeSpan Until(DateTimeOffset at, DateTimeOffset now) => at > now ? at - now : TimeSpan.Zero;
}
