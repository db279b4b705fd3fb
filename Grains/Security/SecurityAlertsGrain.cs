using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Custodian.Access;
using Custodian.Audit;
using Custodian.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Custodian.Security;

/// <summary>
/// A region's security alerts. Raising one first records it in the audit trail (if the trail cannot
/// take it, nothing else happens and the caller fails), then suspends the principal's grants and
/// opens a draft incident where the rule is configured so, then keeps, logs and counts it.
/// </summary>
public sealed class SecurityAlertsGrain(
    [PersistentState("alerts", "secure")] IPersistentState<SecurityAlertsState> state,
    IOptions<SecurityRules> options,
    IAuditTrail trail,
    IMeterFactory meters,
    ILogger<SecurityAlertsGrain> logger) : Grain, ISecurityAlertsGrain
{
    /// <summary>The actor that security reports act as in the audit trail.</summary>
    public const string Actor = "custodian:security-reports";

    private const int Kept = 1000;
    private readonly Counter<long> _alerts = meters.Create("Custodian.Security").CreateCounter<long>("custodian.security.alerts", "{alert}", "Security-report alerts raised, by rule");

    public async Task<SecurityAlert> RaiseAsync(string rule, string principal, DateTimeOffset at, string detail)
    {
        var rules = options.Value;
        var alertId = "alert-" + Guid.NewGuid().ToString("N");
        var suspend = rules.Suspends(rule);
        var incidentId = rules.OpensIncident(rule) ? Incident.GrainKey(Incident.ProviderTenant, "incident-" + Guid.NewGuid().ToString("N")) : null;
        var outcome = "raised" + (suspend ? "; grants suspended" : "") + (incidentId is null ? "" : "; draft incident " + incidentId);
        await trail.WriteAsync(new AuditRecord(at, Actor, "Alert:" + rule, "principal:" + principal, outcome, "-", alertId));

        var suspended = false;
        if (suspend)
        {
            try
            {
                await GrainFactory.GetGrain<IPrincipalGrain>(principal).SuspendAsync(new Suspension(alertId, rule, at));
                suspended = true;
            }
            catch (Exception e)
            {
                SecurityLog.FollowUpFailed(logger, e, alertId, principal, "suspend");
            }
        }

        if (incidentId is not null)
        {
            try
            {
                await GrainFactory.GetGrain<IIncidentGrain>(incidentId).OpenDraftAsync(at, $"Security report: rule {rule} fired for {principal}: {detail}", "security-report:" + rule, alertId);
            }
            catch (Exception e)
            {
                SecurityLog.FollowUpFailed(logger, e, alertId, principal, "draft incident");
                incidentId = null;
            }
        }

        var alert = new SecurityAlert(alertId, rule, principal, at, detail, suspended, incidentId);
        state.State.Alerts = state.State.Alerts.Add(alert);
        if (state.State.Alerts.Count > Kept)
        {
            state.State.Alerts = state.State.Alerts.RemoveRange(0, state.State.Alerts.Count - Kept);
        }

        await state.WriteStateAsync();
        _alerts.Add(1, new KeyValuePair<string, object?>("rule", rule));
        SecurityLog.AlertRaised(logger, alertId, rule, principal, detail, suspended, incidentId ?? "-");
        return alert;
    }

    public Task<ImmutableArray<SecurityAlert>> ListAsync(DateTimeOffset? since, int limit) => Task.FromResult<ImmutableArray<SecurityAlert>>(
        [.. state.State.Alerts.Where(a => since is null || a.At >= since).Reverse().Take(Math.Clamp(limit, 1, Kept))]);
}
