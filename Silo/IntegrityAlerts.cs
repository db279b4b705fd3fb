using System.Collections.Concurrent;
using Custodian.Security;

namespace Custodian.Silo;

/// <summary>
/// Raises the security alerts that the integrity checks find (a stored state refused, an audit head or checkpoint
/// altered): each finding once per silo process, and in the background, so the activation that found it is never
/// held by it (an alert is itself written to the trail and the alerts grain's state, either of which may be the one
/// refused). A raise that fails is forgotten, so the next finding raises it again.
/// </summary>
public sealed partial class IntegrityAlerts(IGrainFactory grains, string region, TimeProvider timeProvider, ILogger<IntegrityAlerts> logger)
{
    private readonly ConcurrentDictionary<string, byte> _raised = new(StringComparer.Ordinal);

    /// <summary>Raises <paramref name="rule"/> with <paramref name="detail"/> (ids and sequences only); false when this process raised it already.</summary>
    public bool Raise(string rule, string detail)
    {
        var key = rule + "\n" + detail;
        if (!_raised.TryAdd(key, 0))
        {
            return false;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await grains.GetGrain<ISecurityAlertsGrain>(region).RaiseAsync(rule, $"custodian:silo/{region}", timeProvider.GetUtcNow(), detail);
            }
            catch (Exception e)
            {
                _raised.TryRemove(key, out _);
                LogAlertFailed(logger, e, rule);
            }
        });
        return true;
    }

    [LoggerMessage(2008, LogLevel.Error, "The security alert {Rule} for an integrity finding could not be raised; the next finding raises it again")]
    private static partial void LogAlertFailed(ILogger logger, Exception exception, string rule);
}
