using System.Collections.Concurrent;
using Custodian.Audit;
using Custodian.Security;

namespace Custodian.Silo.Audit;

/// <summary>
/// Raises a security alert (rule <see cref="Rule"/>) for what the trail's integrity checks find: a head refused (forged,
/// rolled back, missing), a copy in the pair region that fails its MAC, a checkpoint the trail no longer reaches. Each
/// finding once per silo process; in the background, so that the activation that found it is never held by it (an
/// alert is itself recorded in the trail, maybe in the very partition that was refused: the writer takes it elsewhere).
/// </summary>
internal sealed class AuditAlerts(IGrainFactory grains, string region, TimeProvider timeProvider, ILogger<AuditAlerts> logger)
{
    /// <summary>The alerts' rule, as the security reports list it.</summary>
    public const string Rule = Custodian.Security.SecurityRuleNames.AuditTamper;

    private readonly ConcurrentDictionary<string, byte> _raised = new(StringComparer.Ordinal);

    /// <summary>Logs <paramref name="finding"/> (partition and sequences only) and raises its alert, unless this process raised it already.</summary>
    public void Raise(string partition, string finding)
    {
        var key = partition + "\n" + finding;
        if (!_raised.TryAdd(key, 0))
        {
            return;
        }

        AuditLog.IntegrityFinding(logger, partition, finding);

        // Not on the grain's scheduler: the activation that found it goes on (or is refused) without waiting.
        _ = Task.Run(async () =>
        {
            try
            {
                await grains.GetGrain<ISecurityAlertsGrain>(region).RaiseAsync(Rule, $"custodian:silo/{region}", timeProvider.GetUtcNow(), $"audit partition {partition}: {finding}");
            }
            catch (Exception e)
            {
                _raised.TryRemove(key, out _);
                AuditLog.AlertFailed(logger, e, partition);
            }
        });
    }
}
