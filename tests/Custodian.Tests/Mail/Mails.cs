using Custodian.Mail;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Mail;

/// <summary>Fresh outboxes and mails for a test: random keys, message ids and addresses.</summary>
public static class Mails
{
    /// <summary>A new outbox, keyed as callers key theirs (<c>tenant/incident</c>).</summary>
    public static IMailOutboxGrain NewOutbox(Platform platform) =>
        platform.SiloGrains.GetGrain<IMailOutboxGrain>($"{Platform.NewId("acme")}/{Platform.NewId("inc")}");

    /// <summary>A mail with a fresh message id, to a fresh address at <paramref name="domain"/>.</summary>
    public static OutgoingMail New(string subject = "Personal data breach: first notice", string? body = null, string domain = "example.org") =>
        new(
            $"{Platform.NewId("notice")}@custodian.test",
            [$"{Platform.NewId("dpo")}@{domain}"],
            subject,
            body ?? $"Nature of the breach: {Platform.NewId("body")}.\nMeasures taken: keys rotated.",
            "incident:acme/inc-1");

    /// <summary>Waits until the outbox reports the mail in <paramref name="state"/>.</summary>
    public static Task<MailDelivery> WaitForAsync(IMailOutboxGrain outbox, string messageId, MailDeliveryState state, TimeSpan? timeout = null) =>
        Poll.UntilAsync(
            async () => await outbox.GetAsync(messageId) is { } delivery && delivery.State == state
                ? delivery
                : throw new TimeoutException($"mail {messageId} did not reach {state}"),
            timeout ?? TimeSpan.FromSeconds(30));
}
