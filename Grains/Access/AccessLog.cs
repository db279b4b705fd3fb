using Microsoft.Extensions.Logging;

namespace Custodian.Access;

/// <summary>Log messages of access grants: ids, principals and tenants, never personal data.</summary>
internal static partial class AccessLog
{
    [LoggerMessage(6001, LogLevel.Information, "Grant {GrantId} for {Principal} on tenant {TenantId} issued by {Officer}: {Status}")]
    public static partial void GrantIssued(ILogger logger, string grantId, string principal, string tenantId, GrantStatus status, string officer);

    [LoggerMessage(6002, LogLevel.Information, "Grant {GrantId} {Action} by {Actor}")]
    public static partial void GrantTransition(ILogger logger, string grantId, string action, string actor);

    [LoggerMessage(6003, LogLevel.Warning, "A gateway's grant cache for {Principal} did not answer a change and was dropped; its lease bounds its staleness")]
    public static partial void ObserverDropped(ILogger logger, string principal);

    [LoggerMessage(6004, LogLevel.Warning, "Every grant of {Principal} is suspended by security alert {AlertId} ({Rule})")]
    public static partial void PrincipalSuspended(ILogger logger, string principal, string rule, string alertId);

    [LoggerMessage(6006, LogLevel.Warning, "Grant {GrantId}: {Officer} may not {Transition} it (separation of duties or suspension); nothing changed")]
    public static partial void GrantRefused(ILogger logger, string grantId, string officer, string transition);

    [LoggerMessage(6005, LogLevel.Information, "The suspension of {Principal} (alert {AlertId}) was lifted by {Officer}")]
    public static partial void PrincipalResumed(ILogger logger, string principal, string officer, string alertId);
}
