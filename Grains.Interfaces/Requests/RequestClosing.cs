using Custodian.Validation;

namespace Custodian.Requests;

/// <summary>
/// What closing a request says: the outcome, a reason (required for a partial fulfilment or a refusal;
/// personal data, never logged), the ground of a refusal, and whether the subject was told of the right to
/// complain to a supervisory authority and to seek a judicial remedy (required for a refusal).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Requests.RequestClosing")]
public sealed record RequestClosing(
    [property: Id(0)] OutcomeKind Outcome,
    [property: Id(1)] string? Reason,
    [property: Id(2)] RefusalGround Ground,
    [property: Id(3)] bool SubjectToldOfRemedies)
{
    /// <summary>Longest reason.</summary>
    public const int MaxReasonLength = 2000;

    /// <summary>True for an outcome that must give its reason: a partial fulfilment or a refusal.</summary>
    public bool NeedsReason => Outcome is OutcomeKind.PartiallyFulfilled or OutcomeKind.Refused;

    /// <summary>
    /// Checks the closing as it stands alone: a known outcome; a reason exactly for a partial fulfilment or a refusal; a
    /// ground (Art. 12(4), 12(5)) and the subject told of the remedies exactly for a refusal. Whether the request may be
    /// closed so (a verified identity, the subject's state), its grain decides.
    /// </summary>
    public List<FieldViolation> Validate()
    {
        var violations = new List<FieldViolation>();
        if (Outcome == OutcomeKind.Unspecified || !Enum.IsDefined(Outcome))
        {
            violations.Add(new FieldViolation("outcome", "is fulfilled, partially-fulfilled or refused"));
        }

        if (NeedsReason && (string.IsNullOrWhiteSpace(Reason) || Reason.Length > MaxReasonLength))
        {
            violations.Add(new FieldViolation("reason", $"is required for a partial fulfilment or a refusal, at most {MaxReasonLength} characters"));
        }

        if (!NeedsReason && !string.IsNullOrEmpty(Reason))
        {
            violations.Add(new FieldViolation("reason", "is given only for a partial fulfilment or a refusal"));
        }

        if (Outcome == OutcomeKind.Refused)
        {
            if (Ground == RefusalGround.None || !Enum.IsDefined(Ground))
            {
                violations.Add(new FieldViolation("ground", "is manifestly-unfounded or excessive (Art. 12(5)) or no-action (Art. 12(4)) for a refusal"));
            }

            if (!SubjectToldOfRemedies)
            {
                violations.Add(new FieldViolation("subject_told_of_remedies", "must be true: a refusal tells the subject of the right to complain to a supervisory authority and to seek a judicial remedy"));
            }
        }
        else if (Ground != RefusalGround.None)
        {
            violations.Add(new FieldViolation("ground", "is given only for a refusal"));
        }

        return violations;
    }

    /// <summary>Never shows the reason.</summary>
    public override string ToString() => $"RequestClosing {{ Outcome = {Outcome}, Ground = {Ground}, SubjectToldOfRemedies = {SubjectToldOfRemedies} }}";
}
