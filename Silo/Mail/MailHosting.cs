using Custodian.Hosting;
using Custodian.Mail;

namespace Custodian.Silo.Mail;

/// <summary>Registers the outbox's SMTP sender and its retry settings.</summary>
public static class MailHosting
{
    /// <summary>Adds delivery of the mail outbox over SMTP to the relay configured under <c>Mail</c>, validated now.</summary>
    public static WebApplicationBuilder AddCustodianMail(this WebApplicationBuilder builder)
    {
        var smtp = builder.Configuration.GetValidated<SmtpOptions>(SmtpOptions.Section);
        var delivery = builder.Configuration.GetValidated<MailDeliveryOptions>(MailDeliveryOptions.Section);
        builder.Services.AddSingleton(smtp);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(delivery));
        builder.Services.AddSingleton<IMailSender, SmtpMailSender>();
        return builder;
    }
}
