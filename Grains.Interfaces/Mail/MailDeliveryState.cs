namespace Custodian.Mail;

/// <summary>Where a mail is in the outbox: pending until the relay accepts it (delivered) or refuses it for good (rejected).</summary>
[GenerateSerializer, Alias("Custodian.Mail.MailDeliveryState")]
public enum MailDeliveryState
{
    /// <summary>Not in the outbox.</summary>
    None = 0,

    /// <summary>Stored; delivery is attempted, with retries and backoff, until the relay answers.</summary>
    Pending = 1,

    /// <summary>The relay accepted it; its answer and the time are recorded.</summary>
    Delivered = 2,

    /// <summary>The relay refused it permanently (a 5xx answer to a recipient or to the message); not retried.</summary>
    Rejected = 3,
}
