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
    [property: Id(3)] string? Culture = null);
