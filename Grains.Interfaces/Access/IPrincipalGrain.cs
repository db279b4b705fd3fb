using Orleans.Concurrency;
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

    /// <summary>
    /// Returns the grants and subscribes <paramref name="observer"/> (a gateway's cache) to every change
    /// for <paramref name="lease"/>; a gateway renews its lease before it runs out.
    /// </summary>
    [Alias("Subscribe")]
    Task<PrincipalGrants> SubscribeAsync(IPrincipalObserver observer, TimeSpan lease);

    /// <summary>Notes that a grant allowed a call (for access reviews: which grants are used).</summary>
    [Alias("RecordUse"), OneWay]
    Task RecordUseAsync(string grantId, DateTimeOffset at);

    /// <summary>When each grant of the principal last allowed a call.</summary>
    [Alias("GetLastUses")]
    Task<ImmutableDictionary<string, DateTimeOffset>> GetLastUsesAsync();

    /// <summary>
    /// Suspends every grant of the principal at once (a security alert): the gateways are told and
    /// allow nothing by grant until an officer resumes it. Idempotent; the first suspension is kept.
    /// </summary>
    [Alias("Suspend")]
    Task<Suspension> SuspendAsync(Suspension suspension);

    /// <summary>
    /// Lifts a suspension: the one lifted, nothing when there was none, or a refusal when
    /// <paramref name="officer"/> is this principal or is itself suspended.
    /// </summary>
    [Alias("Resume")]
    Task<ResumeResult> ResumeAsync(string officer, string reason);

    /// <summary>The suspension in force, or null. Interleaves: one principal's grain asks another's (an officer's) while it works.</summary>
    [Alias("GetSuspension"), AlwaysInterleave]
    Task<Suspension?> GetSuspensionAsync();

    /// <summary>Called by a grant on every transition; replaces (or drops) the principal's copy.</summary>
    [Alias("GrantChanged")]
    Task GrantChangedAsync(Grant grant);
}
