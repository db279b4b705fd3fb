using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Custodian.Gateway;

/// <summary>Keeps trying to reach a region's cluster at start-up, so the gateway may start before its silos.</summary>
internal sealed partial class ClusterConnectRetry(IOptions<ClusterOptions> cluster, ILogger<ClusterConnectRetry> logger) : IClientConnectionRetryFilter
{
    private int _attempt;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        LogRetry(logger, cluster.Value.ClusterId, ++_attempt, exception.GetType().Name);
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(_attempt, 5)), cancellationToken);
        return true;
    }

    [LoggerMessage(3001, LogLevel.Warning, "The cluster of region {Region} is not reachable yet (attempt {Attempt}, {Error}); retrying")]
    private static partial void LogRetry(ILogger logger, string region, int attempt, string error);
}
