namespace Custodian.Mail;

/// <summary>
/// The delivery status of one mail: no addresses, no body. <see cref="LastFailure"/> is a
/// non-personal reason (an SMTP status or socket error name), never the relay's text.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Mail.MailDelivery")]
public sealed record MailDelivery(
    [property: Id(0)] string MessageId,
    [property: Id(1)] string? Reference,
    [property: Id(2)] MailDeliveryState State,
    [property: Id(3)] DateTimeOffset EnqueuedAt,
    [property: Id(4)] int Attempts,
    [property: Id(5)] DateTimeOffset? NextAttemptAt,
    [property: Id(6)] string? LastFailure,
    [property: Id(7)] DateTimeOffset? DeliveredAt,
    [property: Id(8)] string? RelayAnswer);
