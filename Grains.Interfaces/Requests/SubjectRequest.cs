using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Requests;

/// <summary>
/// One data-subject request (Art. 12) as it stands: who and what, how it came in, the identity check, its
/// clock (received, due date as moved by pauses and extended, pauses), the warnings issued and whether it
/// went overdue, its outcome, and every transition with actor and time. <see cref="DueAt"/> is the date that
/// counts: the first month, or the extended date, each moved by the time the clock stood still.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Requests.SubjectRequest")]
public sealed record SubjectRequest(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string SubjectId,
    [property: Id(2)] string RequestId,
    [property: Id(3)] RequestKind Kind,
    [property: Id(4)] RequestChannel Channel,
    [property: Id(5)] DateTimeOffset ReceivedAt,
    [property: Id(6)] string EnteredBy,
    [property: Id(7)] IdentityCheck Identity,
    [property: Id(8)] RequestStatus Status,
    [property: Id(9)] DateTimeOffset FirstMonthDueAt,
    [property: Id(10)] DateTimeOffset DueAt,
    [property: Id(11)] RequestExtension? Extension,
    [property: Id(12)] ImmutableArray<RequestPause> Pauses,
    [property: Id(13)] RequestOutcome? Outcome,
    [property: Id(14)] DateTimeOffset? ClosedAt,
    [property: Id(15)] ImmutableArray<DeadlineWarning> Warnings,
    [property: Id(16)] bool Overdue,
    [property: Id(17)] DateTimeOffset? OverdueAt,
    [property: Id(18)] ImmutableArray<RequestTransition> History)
{
    /// <summary>The grain key of a request: <c>tenant/request</c>.</summary>
    public static string GrainKey(string tenantId, string requestId) => $"{tenantId}/{requestId}";

    /// <summary>Checks a request's key parts: a tenant id and a request id, both of the tenant-id shape.</summary>
    public static void CheckRef(string? tenantId, string? requestId, List<FieldViolation> violations)
    {
        Identifiers.CheckTenantId(tenantId, "tenant_id", violations);
        Identifiers.CheckTenantId(requestId, "request_id", violations);
    }

    /// <summary>The pause that lasts now, if the clock stands still.</summary>
    public RequestPause? CurrentPause => Status == RequestStatus.Paused && !Pauses.IsDefaultOrEmpty ? Pauses[^1] : null;

    /// <summary>Ids, kind, status and dates only: never the reasons of an extension or outcome.</summary>
    public override string ToString() =>
        $"SubjectRequest {{ TenantId = {TenantId}, RequestId = {RequestId}, Kind = {Kind}, Status = {Status}, DueAt = {DueAt:O}, Overdue = {Overdue} }}";
}
