using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Mail;

/// <summary>The outcome of an enqueue: the stored mail's status (queued or already queued), a conflict, or invalid fields.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Mail.MailEnqueueResult")]
public sealed record MailEnqueueResult(
    [property: Id(0)] MailEnqueueOutcome Outcome,
    [property: Id(1)] MailDelivery? Delivery,
    [property: Id(2)] ImmutableArray<FieldViolation> Violations,
    [property: Id(3)] string? Refusal)
{
    /// <summary>True when the mail is in the outbox (newly or already).</summary>
    public bool IsStored => Outcome is MailEnqueueOutcome.Queued or MailEnqueueOutcome.AlreadyQueued;

    public static MailEnqueueResult Queued(MailDelivery delivery) => new(MailEnqueueOutcome.Queued, delivery, [], null);

    public static MailEnqueueResult AlreadyQueued(MailDelivery delivery) => new(MailEnqueueOutcome.AlreadyQueued, delivery, [], null);

    public static MailEnqueueResult Conflict(MailDelivery existing) =>
        new(MailEnqueueOutcome.Conflict, existing, [], "Another mail with different content is already in the outbox under this message id.");

    public static MailEnqueueResult Invalid(IEnumerable<FieldViolation> violations) => new(MailEnqueueOutcome.Invalid, null, [.. violations], null);
}
