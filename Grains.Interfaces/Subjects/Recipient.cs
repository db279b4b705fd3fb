using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>
/// A recipient to whom a category of the subject's data is disclosed (Art. 15(1)(c), 19): who, the
/// address that Art. 19 notifications go to, and the country when it is outside the EU/EEA.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.Recipient")]
public sealed record Recipient(
    [property: Id(0)] string Name,
    [property: Id(1)] string Email,
    [property: Id(2)] string? ThirdCountry = null)
{
    /// <summary>Longest name or country.</summary>
    public const int MaxTextLength = 200;

    /// <summary>Most recipients of one category.</summary>
    public const int MaxRecipients = 50;

    /// <summary>
    /// Checks the recipients of one category: at most <see cref="MaxRecipients"/>, each with a name, a plain
    /// e-mail address and, when given, a country of at most <see cref="MaxTextLength"/> characters. Violations
    /// name <paramref name="field"/> and <c><paramref name="field"/>[i].name</c>, <c>.email</c>, <c>.third_country</c>.
    /// </summary>
    public static void Check(IReadOnlyList<Recipient> recipients, string field, List<FieldViolation> violations)
    {
        if (recipients.Count > MaxRecipients)
        {
            violations.Add(new FieldViolation(field, $"has more than {MaxRecipients} recipients"));
        }

        for (var i = 0; i < recipients.Count; i++)
        {
            var recipient = recipients[i];
            Texts.CheckRequired(recipient?.Name, $"{field}[{i}].name", MaxTextLength, violations);
            EmailAddresses.Check(recipient?.Email, $"{field}[{i}].email", violations);
            Texts.CheckLength(recipient?.ThirdCountry, $"{field}[{i}].third_country", MaxTextLength, violations);
        }
    }

    /// <summary>Shows the name only, never the address.</summary>
    public override string ToString() => $"Recipient {{ Name = {Name}, ThirdCountry = {ThirdCountry ?? "-"} }}";
}
