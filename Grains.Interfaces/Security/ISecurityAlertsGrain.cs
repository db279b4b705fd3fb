using System.Collections.Immutable;

namespace Custodian.Security;

/// <summary>
/// A region's security alerts (keyed by region): raising one records it in the audit trail, logs it,
/// counts it, and, where the rule is configured so, suspends the principal's grants and opens a draft
/// incident for the officer.
/// </summary>
[Alias("Custodian.Security.ISecurityAlertsGrain")]
public interface ISecurityAlertsGrain : IGrainWithStringKey
{
    /// <summary>Raises an alert of <paramref name="rule"/> for <paramref name="principal"/>.</summary>
    [Alias("Raise")]
    Task<SecurityAlert> RaiseAsync(string rule, string principal, DateTimeOffset at, string detail);

    /// <summary>Alerts raised at or after <paramref name="since"/>, newest first, at most <paramref name="limit"/>.</summary>
    [Alias("List")]
    Task<ImmutableArray<SecurityAlert>> ListAsync(DateTimeOffset? since, int limit);
}
