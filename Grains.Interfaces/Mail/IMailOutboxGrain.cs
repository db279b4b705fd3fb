using System.Collections.Immutable;
using Custodian.Regions;

namespace Custodian.Mail;

/// <summary>
/// An outbox of e-mails (keyed by the caller, e.g. <c>tenant/incident</c>; never personal data): a mail is
/// stored first, then delivered at least once with retries and backoff, and marked delivered with the relay's answer.
/// </summary>
[Alias("Custodian.Mail.IMailOutboxGrain")]
public interface IMailOutboxGrain : IGrainWithStringKey, IDeadlineOwner
{
    /// <summary>Stores the mail and starts its delivery without waiting for the relay; idempotent by message id.</summary>
    [Alias("Enqueue")]
    Task<MailEnqueueResult> EnqueueAsync(OutgoingMail mail);

    /// <summary>The delivery status of one mail, or null when the outbox has no mail with this id.</summary>
    [Alias("Get")]
    Task<MailDelivery?> GetAsync(string messageId);

    /// <summary>The delivery status of every mail in the outbox, oldest first.</summary>
    [Alias("List")]
    Task<ImmutableArray<MailDelivery>> ListAsync();
}
