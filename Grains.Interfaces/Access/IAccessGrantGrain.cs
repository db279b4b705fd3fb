using Custodian.Regions;

namespace Custodian.Access;

/// <summary>One authorization (keyed by grant id): issued by an officer, approved when the two-person rule applies, expired by its window or revoked.</summary>
[Alias("Custodian.Access.IAccessGrantGrain")]
public interface IAccessGrantGrain : IGrainWithStringKey, IDeadlineOwner
{
    /// <summary>Issues the grant; active at once, or awaiting a second officer under the two-person rule.</summary>
    [Alias("Issue")]
    Task<GrantResult> IssueAsync(GrantRequest request, string officer, string reason, string? renewalOf);

    /// <summary>
    /// Renews the grant as a new grant (a fresh id, <see cref="Grant.RenewalOf"/> this one): the same principal, scope,
    /// operations, purpose and networks, valid from now until <paramref name="validUntil"/>, issued by
    /// <paramref name="officer"/> under the same rules as <see cref="IssueAsync"/>. This grant does not change.
    /// </summary>
    [Alias("Renew")]
    Task<GrantResult> RenewAsync(string officer, string justification, DateTimeOffset? validUntil);

    /// <summary>A second officer (not the issuer) approves a grant awaiting approval.</summary>
    [Alias("Approve")]
    Task<GrantResult> ApproveAsync(string officer, string reason);

    /// <summary>Revokes the grant at once; final.</summary>
    [Alias("Revoke")]
    Task<GrantResult> RevokeAsync(string officer, string reason);

    /// <summary>Suspends an active grant left unreviewed past an access review's deadline.</summary>
    [Alias("Suspend")]
    Task<GrantResult> SuspendAsync(string actor, string reason);

    /// <summary>The grant, or null when no grant has this id.</summary>
    [Alias("Get")]
    Task<Grant?> GetAsync();
}
