using Microsoft.Extensions.Logging;

namespace Custodian.Security;

/// <summary>Log messages of security reports: principals, rules and counts, never personal data.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(8001, LogLevel.Warning, "Security alert {AlertId}: rule {Rule} fired for {Principal}: {Detail} (grants suspended: {Suspended}, draft incident: {IncidentId})")]
    public static partial void AlertRaised(ILogger logger, string alertId, string rule, string principal, string detail, bool suspended, string incidentId);

    [LoggerMessage(8002, LogLevel.Error, "Security alert {AlertId} for {Principal}: its follow-up ({Step}) failed")]
    public static partial void FollowUpFailed(ILogger logger, Exception exception, string alertId, string principal, string step);
}
