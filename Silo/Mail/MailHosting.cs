using Custodian.Hosting;
using Custodian.Mail;

namespace Custodian.Silo.Mail;

/// <summary>Registers the outbox's SMTP sender and its retry settings.</summary>
public static class MailHosting
{
    /// <summary>Adds delivery of the mail outbox over SMTP to the relay configured under <c>Mail</c>, validated now.</summary>
    public static WebApplicationBuilder AddCustodianMail(this WebApplicationBuilder builder)
    {
        builder.AddCustodianOptions<SmtpOptions>(SmtpOptions.Section);
        builder.AddCustodianOptions<MailDeliveryOptions>(MailDeliveryOptions.Section);
        builder.Services.AddSingleton<IMailSender, SmtpMailSender>();
        return builder;
    }
}
