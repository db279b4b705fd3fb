using Custodian.Mail;

namespace Custodian.Silo.Mail;

/// <summary>Log messages of the SMTP sender: message ids, outcomes and SMTP codes only.</summary>
internal static partial class SmtpLog
{
    [LoggerMessage(11101, LogLevel.Debug, "Mail {MessageId}: {Outcome} by {Host}:{Port} ({Detail})")]
    public static partial void Attempted(ILogger logger, string messageId, MailSendOutcome outcome, string host, int port, string detail);
}
