using Microsoft.Extensions.Logging;

namespace Custodian.Incidents;

/// <summary>Log messages of breach incidents: ids, states, times and counts; never facts, addresses or subjects.</summary>
internal static partial class IncidentLog
{
    [LoggerMessage(9201, LogLevel.Information, "Incident {TenantId}/{IncidentId}: {Action} by {Actor}; status {Status}")]
    public static partial void Transition(ILogger logger, string tenantId, string incidentId, string action, string actor, IncidentStatus status);

    [LoggerMessage(9202, LogLevel.Warning, "Incident {TenantId}/{IncidentId}: escalation {After} after awareness; deadline {DeadlineAt:O}")]
    public static partial void Escalated(ILogger logger, string tenantId, string incidentId, TimeSpan after, DateTimeOffset deadlineAt);

    [LoggerMessage(9203, LogLevel.Error, "Incident {TenantId}/{IncidentId} is overdue: the authority notice was due {DeadlineAt:O}")]
    public static partial void Overdue(ILogger logger, string tenantId, string incidentId, DateTimeOffset deadlineAt);

    [LoggerMessage(9204, LogLevel.Information, "Incident {TenantId}/{IncidentId}: notice {Number} ({Audience}, {Phase}) queued as {Mails} mail(s)")]
    public static partial void NoticeQueued(ILogger logger, string tenantId, string incidentId, int number, NoticeAudience audience, NoticePhase phase, int mails);

    [LoggerMessage(9205, LogLevel.Warning, "Incident {TenantId}/{IncidentId}: escalation {After} recorded without mail: no officer or DPO address is configured")]
    public static partial void NoEscalationRecipients(ILogger logger, string tenantId, string incidentId, TimeSpan after);

    [LoggerMessage(9206, LogLevel.Error, "Incident {TenantId}/{IncidentId}: the register could not be updated; the next change or tick updates it")]
    public static partial void RegisterNotUpdated(ILogger logger, Exception exception, string tenantId, string incidentId);
}
