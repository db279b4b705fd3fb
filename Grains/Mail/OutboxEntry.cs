namespace Custodian.Mail;

/// <summary>
/// One mail in the outbox: its status, the hash of its content (to recognise a resend of the same mail)
/// and, while it is pending, the mail itself; once the relay has accepted or rejected it the mail (its
/// addresses and body) is dropped, since the outbox no longer needs it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Mail.OutboxEntry")]
public sealed record OutboxEntry(
    [property: Id(0)] MailDelivery Delivery,
    [property: Id(1)] string ContentHash,
    [property: Id(2)] OutgoingMail? Mail);
