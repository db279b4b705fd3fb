using Custodian.Validation;

namespace Custodian.Incidents;

/// <summary>
/// A notice to send: to whom, which phase, the reasons for a delay (required for an authority notice after the
/// 72-hour deadline, Art. 33(1)), and the culture of the e-mail (<c>en</c> when null or not available).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Incidents.NoticeRequest")]
public sealed record NoticeRequest(
    [property: Id(0)] NoticeAudience Audience,
    [property: Id(1)] NoticePhase Phase,
    [property: Id(2)] string? DelayReasons = null,
    [property: Id(3)] string? Culture = null)
{
    /// <summary>Longest culture name.</summary>
    public const int MaxCultureLength = 16;

    /// <summary>
    /// Checks the request as it stands alone: a known audience and phase, delay reasons and culture within their
    /// limits. Whether the incident's state allows the notice (and needs delay reasons), its grain decides.
    /// </summary>
    public List<FieldViolation> Validate()
    {
        var violations = new List<FieldViolation>();
        if (Audience == NoticeAudience.Unspecified || !Enum.IsDefined(Audience))
        {
            violations.Add(new FieldViolation("audience", "is authority, customer or subjects"));
        }

        if (Phase == NoticePhase.Unspecified || !Enum.IsDefined(Phase))
        {
            violations.Add(new FieldViolation("phase", "is first or final"));
        }

        Texts.CheckLength(DelayReasons, "delay_reasons", IncidentFacts.MaxTextLength, violations);
        if (Culture is { Length: > MaxCultureLength })
        {
            violations.Add(new FieldViolation("culture", "is a culture name such as en or de"));
        }

        return violations;
    }
}
