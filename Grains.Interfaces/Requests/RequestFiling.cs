namespace Custodian.Requests;

/// <summary>
/// What filing a request says: the subject, the right exercised, the channel, who entered it, and when it
/// was received (a helpdesk may enter a request that arrived earlier, e.g. by letter; null means now).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Requests.RequestFiling")]
public sealed record RequestFiling(
    [property: Id(0)] string SubjectId,
    [property: Id(1)] RequestKind Kind,
    [property: Id(2)] RequestChannel Channel,
    [property: Id(3)] string EnteredBy,
    [property: Id(4)] DateTimeOffset? ReceivedAt);
