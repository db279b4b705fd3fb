using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Custodian.Validation;

namespace Custodian.Mail;

/// <summary>
/// One e-mail for the outbox. <see cref="MessageId"/> is chosen by the caller and stable: it is the
/// outbox's idempotency key and the <c>Message-ID</c> header of every delivery attempt, so a resend
/// carries the same id. The sender (<c>From</c>) is configured (<c>Mail:From</c>), not passed.
/// Addresses and body are personal data: <see cref="ToString"/> never shows them.
/// </summary>
/// <param name="MessageId">The Message-ID without angle brackets, e.g. <c>inc-1.notice-1.acme@custodian</c>; it is logged, so it never carries personal data.</param>
/// <param name="To">The recipients' addresses.</param>
/// <param name="Subject">The subject line.</param>
/// <param name="Body">The plain-text body.</param>
/// <param name="Reference">What the mail belongs to, e.g. <c>incident:acme/inc-1</c>; logged, so never personal data.</param>
[GenerateSerializer, Immutable, Alias("Custodian.Mail.OutgoingMail")]
public sealed partial record OutgoingMail(
    [property: Id(0)] string MessageId,
    [property: Id(1)] ImmutableArray<string> To,
    [property: Id(2)] string Subject,
    [property: Id(3)] string Body,
    [property: Id(4)] string? Reference = null)
{
    /// <summary>Longest message id.</summary>
    public const int MaxMessageIdLength = 200;

    /// <summary>Most recipients of one mail.</summary>
    public const int MaxRecipients = 100;

    /// <summary>Longest subject line.</summary>
    public const int MaxSubjectLength = 500;

    /// <summary>Longest reference.</summary>
    public const int MaxReferenceLength = 200;

    /// <summary>What is wrong with this mail, by field; descriptions never repeat a value.</summary>
    public IReadOnlyList<FieldViolation> Validate()
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrEmpty(MessageId) || MessageId.Length > MaxMessageIdLength || !MessageIdShape().IsMatch(MessageId))
        {
            violations.Add(new("message_id", $"is required: local-part@domain of letters, digits, '.', '-', '_', '+', at most {MaxMessageIdLength} characters, no angle brackets"));
        }

        if (To.IsDefaultOrEmpty)
        {
            violations.Add(new("to", "names at least one recipient"));
        }
        else if (To.Length > MaxRecipients)
        {
            violations.Add(new("to", $"names at most {MaxRecipients} recipients"));
        }
        else
        {
            for (var i = 0; i < To.Length; i++)
            {
                EmailAddresses.Check(To[i], $"to[{i}]", violations);
            }
        }

        if (string.IsNullOrWhiteSpace(Subject) || Subject.Length > MaxSubjectLength || Subject.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            violations.Add(new("subject", $"is required, one line, at most {MaxSubjectLength} characters"));
        }

        if (string.IsNullOrWhiteSpace(Body))
        {
            violations.Add(new("body", "is required"));
        }

        if (Reference is not null && (Reference.Length is 0 or > MaxReferenceLength || Reference.AsSpan().IndexOfAny('\r', '\n') >= 0))
        {
            violations.Add(new("reference", $"is one line of at most {MaxReferenceLength} characters when given"));
        }

        return violations;
    }

    /// <summary>A SHA-256 over recipients, subject, body and reference: equal content, equal hash.</summary>
    public string ContentHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, To.IsDefault ? 0 : To.Length);
        foreach (var to in To.IsDefault ? [] : To)
        {
            Append(hash, to);
        }

        Append(hash, Subject);
        Append(hash, Body);
        Append(hash, Reference ?? "\0");
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Ids and counts only: addresses, subject and body stay out of logs and exception messages.</summary>
    public override string ToString() =>
        $"OutgoingMail {{ MessageId = {MessageId}, Recipients = {(To.IsDefault ? 0 : To.Length)}, Reference = {Reference} }}";

    private static void Append(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Append(hash, bytes.Length);
        hash.AppendData(bytes);
    }

    private static void Append(IncrementalHash hash, int value) => hash.AppendData(BitConverter.GetBytes(value));

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._+-]*@[A-Za-z0-9][A-Za-z0-9.-]*$")]
    private static partial Regex MessageIdShape();
}
