namespace Custodian.Mail;

/// <summary>How a relay answered one delivery attempt.</summary>
public enum MailSendOutcome
{
    /// <summary>Accepted: the relay took responsibility for the mail.</summary>
    Accepted = 1,

    /// <summary>Not delivered this time (relay unreachable, busy, a 4xx answer): retried later.</summary>
    Deferred = 2,

    /// <summary>Refused for good (a 5xx answer to a recipient or to the message): not retried.</summary>
    Rejected = 3,
}
