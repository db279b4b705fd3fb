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
    /// <summary>Never shows the reason.</summary>
    public override string ToString() => $"RequestClosing {{ Outcome = {Outcome}, Ground = {Ground}, SubjectToldOfRemedies = {SubjectToldOfRemedies} }}";
}
