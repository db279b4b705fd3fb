using Microsoft.Extensions.Logging;

namespace Custodian.Requests;

/// <summary>Log messages of data-subject requests: ids, kinds, states and dates, never reasons or other personal data.</summary>
internal static partial class RequestLog
{
    [LoggerMessage(9101, LogLevel.Information, "Request {TenantId}/{RequestId}: {Action} by {Actor}; status {Status}, due {DueAt:O}")]
    public static partial void Transition(ILogger logger, string tenantId, string requestId, string action, string actor, RequestStatus status, DateTimeOffset dueAt);

    [LoggerMessage(9102, LogLevel.Warning, "Request {TenantId}/{RequestId}: due {DueAt:O}, warning issued {Before} before")]
    public static partial void Warned(ILogger logger, string tenantId, string requestId, DateTimeOffset dueAt, TimeSpan before);

    [LoggerMessage(9103, LogLevel.Warning, "Request {TenantId}/{RequestId} is overdue: it was due {DueAt:O}")]
    public static partial void Overdue(ILogger logger, string tenantId, string requestId, DateTimeOffset dueAt);

    [LoggerMessage(9104, LogLevel.Error, "Request {TenantId}/{RequestId}: the tenant's register could not be updated; the next transition or tick updates it")]
    public static partial void RegisterNotUpdated(ILogger logger, Exception exception, string tenantId, string requestId);
}
