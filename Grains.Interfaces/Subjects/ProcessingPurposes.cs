using System.Buffers;
using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>
/// Purposes of processing as Custodian compares them: a grant's purpose, a read's declared purpose,
/// an objection's purpose. Lower-case identifiers, e.g. <c>billing</c>, <c>marketing</c>,
/// <c>legal-claims</c>.
/// </summary>
public static class ProcessingPurposes
{
    /// <summary>Longest purpose identifier.</summary>
    public const int MaxLength = 64;

    /// <summary>Processing with the subject's consent, which Art. 18(2) allows while restricted.</summary>
    public const string Consent = "consent";

    /// <summary>The establishment, exercise or defence of legal claims (Art. 18(2)).</summary>
    public const string LegalClaims = "legal-claims";

    /// <summary>The protection of the rights of another person (Art. 18(2)).</summary>
    public const string ProtectOthers = "protect-others";

    /// <summary>Important public interest of the Union or a Member State (Art. 18(2)).</summary>
    public const string PublicInterest = "public-interest";

    /// <summary>The purposes that Art. 18(2) allows, apart from storage, while processing is restricted.</summary>
    public static readonly IReadOnlySet<string> AllowedWhileRestricted = new HashSet<string>(StringComparer.Ordinal)
    {
        Consent, LegalClaims, ProtectOthers, PublicInterest,
    };

    /// <summary>Answering the subject's own access request (Art. 15): the purpose of an export.</summary>
    public const string SubjectAccess = "subject-access";

    /// <summary>Answering the subject's portability request (Art. 20): the purpose of a portable export.</summary>
    public const string DataPortability = "data-portability";

    /// <summary>Purposes that are direct marketing, to which an objection is absolute (Art. 21(3)).</summary>
    public static readonly IReadOnlySet<string> DirectMarketing = new HashSet<string>(StringComparer.Ordinal)
    {
        "marketing", "direct-marketing",
    };

    private static readonly SearchValues<char> Chars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>
    /// The identifier a free-text purpose compares as: trimmed and lower-cased, so a grant issued for
    /// "Legal-Claims" counts as <see cref="LegalClaims"/>.
    /// </summary>
    public static string Normalize(string? purpose) => (purpose ?? "").Trim().ToLowerInvariant();

    /// <summary>
    /// Checks a read's declared purpose: none, or a purpose identifier. Whether one is required is the access
    /// decision's (a client application declares one for every read).
    /// </summary>
    public static void CheckDeclared(string? purpose, string field, List<FieldViolation> violations)
    {
        if (!string.IsNullOrEmpty(purpose))
        {
            Check(purpose, field, violations);
        }
    }

    /// <summary>Checks a purpose identifier; adds a violation for <paramref name="field"/> when it is not valid.</summary>
    public static void Check(string? purpose, string field, List<FieldViolation> violations)
    {
        if (string.IsNullOrEmpty(purpose))
        {
            violations.Add(new FieldViolation(field, "is required"));
        }
        else if (purpose.Length > MaxLength || purpose.AsSpan().ContainsAnyExcept(Chars) || !char.IsAsciiLetterLower(purpose[0]))
        {
            violations.Add(new FieldViolation(field, $"is a purpose identifier: lower-case letters, digits and '-', starting with a letter, at most {MaxLength} characters"));
        }
    }
}
