namespace Custodian.Silo;

/// <summary>Log messages of the dashboard login: the operator's id and the outcome, never the token.</summary>
internal static partial class OperatorLoginLog
{
    [LoggerMessage(9001, LogLevel.Information, "Dashboard login of {Actor} allowed")]
    public static partial void Allowed(ILogger logger, string actor);

    [LoggerMessage(9002, LogLevel.Warning, "Dashboard login of {Actor} denied: {Reason}")]
    public static partial void Denied(ILogger logger, string actor, string reason);

    [LoggerMessage(9003, LogLevel.Error, "Dashboard login of {Actor} refused: the audit trail did not take its entry")]
    public static partial void AuditFailed(ILogger logger, Exception exception, string actor);
}
