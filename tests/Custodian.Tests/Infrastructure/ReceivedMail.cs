namespace Custodian.Tests.Infrastructure;

/// <summary>One message as the test SMTP relay received it: envelope recipients and the parsed headers and text.</summary>
public sealed record ReceivedMail(
    string MessageId,
    string From,
    IReadOnlyList<string> Recipients,
    string Subject,
    string Body,
    string? Reference,
    DateTimeOffset ReceivedAt);
