using System.Collections.Immutable;

namespace Custodian.Access;

/// <summary>
/// One principal (keyed by the token's subject): its grants, kept current by the grants themselves,
/// so the gateway decides each call from one grain call.
/// </summary>
[Alias("Custodian.Access.IPrincipalGrain")]
public interface IPrincipalGrain : IGrainWithStringKey
{
    /// <summary>The principal's grants that are active or awaiting approval.</summary>
    [Alias("GetGrants")]
    Task<ImmutableArray<Grant>> GetGrantsAsync();

    /// <summary>Called by a grant on every transition; replaces (or drops) the principal's copy.</summary>
    [Alias("GrantChanged")]
    Task GrantChangedAsync(Grant grant);
}
