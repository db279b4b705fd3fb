namespace Custodian.Requests;

/// <summary>One open request as the tenant's register lists it: ids, kind, status and its deadline.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Requests.RequestSummary")]
public sealed record RequestSummary(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string SubjectId,
    [property: Id(2)] RequestKind Kind,
    [property: Id(3)] RequestStatus Status,
    [property: Id(4)] DateTimeOffset ReceivedAt,
    [property: Id(5)] DateTimeOffset DueAt,
    [property: Id(6)] bool Overdue)
{
    /// <summary>The summary of <paramref name="request"/>.</summary>
    public static RequestSummary Of(SubjectRequest request) =>
        new(request.RequestId, request.SubjectId, request.Kind, request.Status, request.ReceivedAt, request.DueAt, request.Overdue);
}
