namespace Custodian.Validation;

/// <summary>
/// Free-text fields (reasons, justifications, names, descriptions): whether one is required and how long it may be.
/// The descriptions never repeat the text.
/// </summary>
public static class Texts
{
    /// <summary>Adds a violation for <paramref name="field"/> when <paramref name="value"/> is missing or blank, or longer than <paramref name="maxLength"/>.</summary>
    public static void CheckRequired(string? value, string field, int maxLength, List<FieldViolation> violations)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            violations.Add(new FieldViolation(field, "is required"));
        }
        else
        {
            CheckLength(value, field, maxLength, violations);
        }
    }

    /// <summary>Adds a violation for <paramref name="field"/> when <paramref name="value"/> is given and longer than <paramref name="maxLength"/>.</summary>
    public static void CheckLength(string? value, string field, int maxLength, List<FieldViolation> violations)
    {
        if (value is not null && value.Length > maxLength)
        {
            violations.Add(new FieldViolation(field, $"is longer than {maxLength} characters"));
        }
    }
}
