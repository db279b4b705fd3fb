using System.Collections.Concurrent;
using Custodian.Access;

namespace Custodian.Gateway.Access;

/// <summary>
/// The gateway's copy of principals' grants. It subscribes to each principal it serves; the Principal
/// grain tells it of every change and waits for it, so a revocation has reached this cache when the
/// revoke returns. Subscriptions are leased: the cache renews every <see cref="Refresh"/>, so a cache
/// the grain could not reach uses what it had for at most that long. Versions keep a late answer from
/// overwriting a newer change.
/// </summary>
public sealed class GrantCache(IClusterClient cluster, TimeProvider time) : IPrincipalObserver
{
    /// <summary>How often the cache renews a principal's subscription (and so rereads its grants).</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, Entry> _entries = new();
    private IPrincipalObserver? _reference;

    /// <summary>
    /// The principal's grants and whether a security-report rule suspended it: from the cache while its
    /// subscription is fresh, else from the Principal grain.
    /// </summary>
    public async ValueTask<PrincipalGrants> GetAsync(string principal)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(principal, out var entry) && now - entry.SubscribedAt < Refresh)
        {
            return entry.Grants;
        }

        _reference ??= cluster.CreateObjectReference<IPrincipalObserver>(this);
        var grants = await cluster.GetGrain<IPrincipalGrain>(principal).SubscribeAsync(_reference, Lease);
        Store(principal, grants, now);
        return _entries[principal].Grants;
    }

    public Task GrantsChangedAsync(string principal, PrincipalGrants grants)
    {
        Store(principal, grants, subscribedAt: null);
        return Task.CompletedTask;
    }

    private void Store(string principal, PrincipalGrants grants, DateTimeOffset? subscribedAt) =>
        _entries.AddOrUpdate(
            principal,
            _ => new Entry(grants, subscribedAt ?? DateTimeOffset.MinValue),
            (_, old) => new Entry(grants.Version >= old.Grants.Version ? grants : old.Grants, subscribedAt ?? old.SubscribedAt));

    private sealed record Entry(PrincipalGrants Grants, DateTimeOffset SubscribedAt);
}
