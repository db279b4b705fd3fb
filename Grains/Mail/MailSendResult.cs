namespace Custodian.Mail;

/// <summary>
/// One delivery attempt's result: the relay's answer when accepted, else a non-personal reason
/// (an SMTP status or an error name, never the relay's free text, which may quote addresses).
/// </summary>
public sealed record MailSendResult(MailSendOutcome Outcome, string Answer)
{
    public static MailSendResult Accepted(string answer) => new(MailSendOutcome.Accepted, answer);

    public static MailSendResult Deferred(string reason) => new(MailSendOutcome.Deferred, reason);

    public static MailSendResult Rejected(string reason) => new(MailSendOutcome.Rejected, reason);
}
