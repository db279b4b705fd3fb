namespace Custodian.Mail;

/// <summary>What enqueuing a mail did.</summary>
[GenerateSerializer, Alias("Custodian.Mail.MailEnqueueOutcome")]
public enum MailEnqueueOutcome
{
    /// <summary>Not decided.</summary>
    None = 0,

    /// <summary>Stored; delivery starts at once.</summary>
    Queued = 1,

    /// <summary>The same mail (same id, same content) was already in the outbox; nothing new is sent.</summary>
    AlreadyQueued = 2,

    /// <summary>Another mail is in the outbox under this id; refused.</summary>
    Conflict = 3,

    /// <summary>The mail is not valid; see the violations.</summary>
    Invalid = 4,
}
