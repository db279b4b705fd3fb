using System.Collections.Concurrent;
using Custodian.Access;
using Custodian.Gateway.Routing;
using Custodian.Incidents;

namespace Custodian.Gateway.Access;

/// <summary>
/// The gateway's copy of principals' grants. It subscribes to each principal it serves, on the cluster of the
/// region that writes the provider's grains; the Principal grain tells it of every change and waits for it, so a
/// revocation has reached this cache when the revoke returns. Subscriptions are leased: the cache renews every
/// <see cref="Refresh"/>, so a cache the grain could not reach uses what it had for at most that long, and at
/// once when the provider's writer moved to another region (it subscribes there). Versions keep a late answer
/// from overwriting a newer change.
/// </summary>
public sealed class GrantCache(RegionRouter router, TimeProvider time) : IPrincipalObserver
{
    /// <summary>How often the cache renews a principal's subscription (and so rereads its grants).</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, Entry> _entries = new();
    private readonly ConcurrentDictionary<string, IPrincipalObserver> _references = new(StringComparer.Ordinal);

    /// <summary>
    /// The principal's grants and whether a security-report rule suspended it: from the cache while its
    /// subscription is fresh and in the provider's current writer region, else from the Principal grain there.
    /// </summary>
    public async ValueTask<PrincipalGrants> GetAsync(string principal)
    {
        var now = time.GetUtcNow();
        var region = router.WriterOf(Incident.ProviderTenant);
        if (_entries.TryGetValue(principal, out var entry) && now - entry.SubscribedAt < Refresh && entry.Region == region)
        {
            return entry.Grants;
        }

        var (writer, cluster) = router.Writer(Incident.ProviderTenant);
        var reference = _references.GetOrAdd(writer, _ => cluster.CreateObjectReference<IPrincipalObserver>(this));
        var grants = await cluster.GetGrain<IPrincipalGrain>(principal).SubscribeAsync(reference, Lease);
        Store(principal, grants, now, writer);
        return _entries[principal].Grants;
    }

    public Task GrantsChangedAsync(string principal, PrincipalGrants grants)
    {
        Store(principal, grants, subscribedAt: null, region: null);
        return Task.CompletedTask;
    }

    private void Store(string principal, PrincipalGrants grants, DateTimeOffset? subscribedAt, string? region) =>
        _entries.AddOrUpdate(
            principal,
            _ => new Entry(grants, subscribedAt ?? DateTimeOffset.MinValue, region),
            (_, old) => new Entry(grants.Version >= old.Grants.Version ? grants : old.Grants, subscribedAt ?? old.SubscribedAt, region ?? old.Region));

    private sealed record Entry(PrincipalGrants Grants, DateTimeOffset SubscribedAt, string? Region);
}
