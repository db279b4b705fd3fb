using Microsoft.Extensions.Logging;

namespace Custodian.Mail;

/// <summary>Log messages of the outbox: outbox keys, message ids, counts and non-personal reasons only.</summary>
internal static partial class MailLog
{
    [LoggerMessage(11001, LogLevel.Information, "Outbox {Outbox}: mail {MessageId} queued for {Recipients} recipient(s)")]
    public static partial void Queued(ILogger logger, string outbox, string messageId, int recipients);

    [LoggerMessage(11002, LogLevel.Information, "Outbox {Outbox}: mail {MessageId} delivered on attempt {Attempt}")]
    public static partial void Delivered(ILogger logger, string outbox, string messageId, int attempt);

    [LoggerMessage(11003, LogLevel.Warning, "Outbox {Outbox}: mail {MessageId} deferred on attempt {Attempt} ({Reason}); next attempt in {Delay}")]
    public static partial void Deferred(ILogger logger, string outbox, string messageId, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(11004, LogLevel.Error, "Outbox {Outbox}: mail {MessageId} rejected by the relay on attempt {Attempt} ({Reason}); not retried")]
    public static partial void Rejected(ILogger logger, string outbox, string messageId, int attempt, string reason);

    [LoggerMessage(11005, LogLevel.Warning, "Outbox {Outbox}: the outcome of mail {MessageId} could not be stored; it stays pending and may be sent again under the same Message-ID")]
    public static partial void OutcomeNotStored(ILogger logger, Exception exception, string outbox, string messageId);

    [LoggerMessage(11006, LogLevel.Information, "Outbox {Outbox}: nothing pending, reminder removed")]
    public static partial void Drained(ILogger logger, string outbox);
}
