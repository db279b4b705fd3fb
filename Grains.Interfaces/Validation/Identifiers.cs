using System.Buffers;

namespace Custodian.Validation;

/// <summary>
/// The shapes of identifiers that end up in grain keys or name stored things (receipts, backups). Grain
/// keys appear in storage keys, reminder rows, logs and the dashboard, so they are restricted to a small
/// character set and must be opaque pseudonyms, never personal data.
/// </summary>
public static class Identifiers
{
    /// <summary>Longest tenant id.</summary>
    public const int MaxTenantIdLength = 64;

    /// <summary>Longest subject id.</summary>
    public const int MaxSubjectIdLength = 128;

    /// <summary>Longest category name.</summary>
    public const int MaxCategoryLength = 32;

    /// <summary>Longest principal (a token's subject).</summary>
    public const int MaxPrincipalLength = 128;

    /// <summary>Longest grant id.</summary>
    public const int MaxGrantIdLength = 64;

    /// <summary>Longest shred receipt id.</summary>
    public const int MaxReceiptIdLength = 128;

    /// <summary>Longest backup id or restore target name.</summary>
    public const int MaxBackupNameLength = 128;

    private static readonly SearchValues<char> TenantChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    private static readonly SearchValues<char> SubjectChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    private static readonly SearchValues<char> CategoryChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-_");

    private static readonly SearchValues<char> DashedChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    /// <summary>Checks a tenant id; adds a violation for <paramref name="field"/> when it is not valid.</summary>
    public static void CheckTenantId(string? value, string field, List<FieldViolation> violations) =>
        Check(value, field, MaxTenantIdLength, TenantChars, "letters, digits, '-' and '_'", violations);

    /// <summary>Checks a subject id; adds a violation for <paramref name="field"/> when it is not valid.</summary>
    public static void CheckSubjectId(string? value, string field, List<FieldViolation> violations) =>
        Check(value, field, MaxSubjectIdLength, SubjectChars, "letters, digits, '-', '_' and '.'", violations);

    /// <summary>Checks a category name; adds a violation for <paramref name="field"/> when it is not valid.</summary>
    public static void CheckCategory(string? value, string field, List<FieldViolation> violations)
    {
        Check(value, field, MaxCategoryLength, CategoryChars, "lower-case letters, digits, '-' and '_'", violations);
        if (!string.IsNullOrEmpty(value) && !char.IsAsciiLetterLower(value[0]))
        {
            violations.Add(new FieldViolation(field, "must start with a lower-case letter"));
        }
    }

    /// <summary>
    /// Checks a principal: any text of at most <see cref="MaxPrincipalLength"/> characters, since it is the
    /// identity provider's subject; adds a violation for <paramref name="field"/> when it is not valid.
    /// </summary>
    public static void CheckPrincipal(string? value, string field, List<FieldViolation> violations) =>
        Texts.CheckRequired(value, field, MaxPrincipalLength, violations);

    /// <summary>Checks a grant id; adds a violation for <paramref name="field"/> when it is not valid.</summary>
    public static void CheckGrantId(string? value, string field, List<FieldViolation> violations) =>
        Check(value, field, MaxGrantIdLength, DashedChars, "letters, digits and '-'", violations);

    /// <summary>Checks a shred receipt id; adds a violation for <paramref name="field"/> when it is not valid.</summary>
    public static void CheckReceiptId(string? value, string field, List<FieldViolation> violations) =>
        Check(value, field, MaxReceiptIdLength, DashedChars, "letters, digits and '-'", violations);

    /// <summary>Checks a backup id or a restore target's name; adds a violation for <paramref name="field"/> when it is not valid.</summary>
    public static void CheckBackupName(string? value, string field, List<FieldViolation> violations) =>
        Check(value, field, MaxBackupNameLength, TenantChars, "letters, digits, '-' and '_'", violations);

    private static void Check(
        string? value, string field, int maxLength, SearchValues<char> allowed, string allowedText, List<FieldViolation> violations)
    {
        if (string.IsNullOrEmpty(value))
        {
            violations.Add(new FieldViolation(field, "is required"));
        }
        else if (value.Length > maxLength)
        {
            violations.Add(new FieldViolation(field, $"is longer than {maxLength} characters"));
        }
        else if (value.AsSpan().ContainsAnyExcept(allowed))
        {
            violations.Add(new FieldViolation(field, $"may contain only {allowedText}"));
        }
    }
}
