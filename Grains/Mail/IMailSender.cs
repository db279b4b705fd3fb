namespace Custodian.Mail;

/// <summary>Hands one mail to a relay (implemented by the silo over SMTP), so grains never reference hosting code.</summary>
public interface IMailSender
{
    /// <summary>Sends <paramref name="mail"/> with its message id as the Message-ID header; failures are results, not exceptions.</summary>
    Task<MailSendResult> SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}
