namespace Custodian.Requests;

/// <summary>
/// How a request was closed. A partial fulfilment or a refusal carries a reason (typed by a person about
/// the subject, so personal data: never logged or audited); a refusal names its ground and records that the
/// subject was told of the right to complain to a supervisory authority and to seek a judicial remedy.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Requests.RequestOutcome")]
public sealed record RequestOutcome(
    [property: Id(0)] OutcomeKind Kind,
    [property: Id(1)] string? Reason,
    [property: Id(2)] RefusalGround Ground,
    [property: Id(3)] bool SubjectToldOfRemedies)
{
    /// <summary>Fulfilled as asked.</summary>
    public static RequestOutcome Fulfilled() => new(OutcomeKind.Fulfilled, null, RefusalGround.None, false);

    /// <summary>Never shows the reason.</summary>
    public override string ToString() => $"RequestOutcome {{ Kind = {Kind}, Ground = {Ground}, SubjectToldOfRemedies = {SubjectToldOfRemedies} }}";
}
