using System.Threading.RateLimiting;

namespace Custodian.Hosting;

/// <summary>The token buckets Custodian limits callers with: one per key (a principal, a source address), never queueing.</summary>
public static class TokenBuckets
{
    /// <summary>A bucket per key holding <paramref name="burst"/> tokens, refilled by <paramref name="perSecond"/> a second.</summary>
    public static PartitionedRateLimiter<string> PerKey(int perSecond, int burst) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
}
