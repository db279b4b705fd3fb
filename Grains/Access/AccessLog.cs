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
}
