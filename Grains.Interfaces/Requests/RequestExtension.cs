using Custodian.Validation;

namespace Custodian.Requests;

/// <summary>
/// The Art. 12(3) extension: further calendar months (1 or 2 in total), its reasons (personal data: never
/// logged or audited) and when the subject was told of them.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Requests.RequestExtension")]
public sealed record RequestExtension(
    [property: Id(0)] int Months,
    [property: Id(1)] string Reasons,
    [property: Id(2)] DateTimeOffset InformedAt)
{
    /// <summary>Longest reasons of one extension.</summary>
    public const int MaxReasonsLength = 2000;

    /// <summary>
    /// Checks an extension's input: 1 to <see cref="DueDates.MaxExtensionMonths"/> months, and reasons (the subject is told
    /// them). Whether the request may still be extended, and by that much, its grain decides.
    /// </summary>
    public static List<FieldViolation> Check(int months, string? reasons)
    {
        var violations = new List<FieldViolation>();
        if (months is < 1 or > DueDates.MaxExtensionMonths)
        {
            violations.Add(new FieldViolation("months", $"is 1 to {DueDates.MaxExtensionMonths}"));
        }

        if (string.IsNullOrWhiteSpace(reasons) || reasons.Length > MaxReasonsLength)
        {
            violations.Add(new FieldViolation("reasons", $"are required (the subject is told them), at most {MaxReasonsLength} characters"));
        }

        return violations;
    }

    /// <summary>Never shows the reasons.</summary>
    public override string ToString() => $"RequestExtension {{ Months = {Months}, InformedAt = {InformedAt:O} }}";
}
