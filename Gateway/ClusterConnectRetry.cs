namespace Custodian.Gateway;

/// <summary>Keeps trying to reach the region's cluster at start-up, so the gateway may start before its silos.</summary>
internal sealed partial class ClusterConnectRetry(ILogger<ClusterConnectRetry> logger) : IClientConnectionRetryFilter
{
    private int _attempt;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        LogRetry(logger, ++_attempt, exception.GetType().Name);
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(_attempt, 5)), cancellationToken);
        return true;
    }

    [LoggerMessage(3001, LogLevel.Warning, "Cluster not reachable yet (attempt {Attempt}, {Error}); retrying")]
    private static partial void LogRetry(ILogger logger, int attempt, string error);
}
