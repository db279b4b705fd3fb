using Custodian.Requests;
using Google.Protobuf.WellKnownTypes;
using Proto = Custodian.Gateway.Protos.Requests;

namespace Custodian.Gateway.Services;

/// <summary>Maps between the requests API's messages and the request grain's records.</summary>
internal static class RequestMapper
{
    public static RequestKind ToDomain(Proto.RequestKind kind) => (RequestKind)(int)kind;

    public static RequestChannel ToDomain(Proto.RequestChannel channel) => (RequestChannel)(int)channel;

    public static RequestListing ToDomain(Proto.RequestListing listing) => listing switch
    {
        Proto.RequestListing.DueSoon => RequestListing.DueSoon,
        Proto.RequestListing.Overdue => RequestListing.Overdue,
        _ => RequestListing.Open,
    };

    public static RequestClosing ToDomain(Proto.CloseRequestRequest request) => new(
        (OutcomeKind)(int)request.Outcome,
        request.Reason.Length == 0 ? null : request.Reason,
        (RefusalGround)(int)request.Ground,
        request.SubjectToldOfRemedies);

    public static Proto.RequestResponse ToResponse(SubjectRequest request) => new() { RequestId = request.RequestId, Request = ToProto(request) };

    public static Proto.SubjectRequest ToProto(SubjectRequest r)
    {
        var proto = new Proto.SubjectRequest
        {
            TenantId = r.TenantId,
            SubjectId = r.SubjectId,
            RequestId = r.RequestId,
            Kind = (Proto.RequestKind)(int)r.Kind,
            Channel = (Proto.RequestChannel)(int)r.Channel,
            ReceivedAt = Timestamp.FromDateTimeOffset(r.ReceivedAt),
            EnteredBy = r.EnteredBy,
            Identity = (Proto.IdentityCheck)((int)r.Identity + 1),
            Status = (Proto.RequestStatus)(int)r.Status,
            FirstMonthDueAt = Timestamp.FromDateTimeOffset(r.FirstMonthDueAt),
            DueAt = Timestamp.FromDateTimeOffset(r.DueAt),
            Extension = r.Extension is { } e
                ? new Proto.Extension { Months = e.Months, Reasons = e.Reasons, InformedAt = Timestamp.FromDateTimeOffset(e.InformedAt) }
                : null,
            Outcome = r.Outcome is { } o
                ? new Proto.Outcome { Kind = (Proto.OutcomeKind)(int)o.Kind, Reason = o.Reason ?? "", Ground = (Proto.RefusalGround)(int)o.Ground, SubjectToldOfRemedies = o.SubjectToldOfRemedies }
                : null,
            ClosedAt = Optional(r.ClosedAt),
            Overdue = r.Overdue,
            OverdueAt = Optional(r.OverdueAt),
        };
        proto.Pauses.AddRange(r.Pauses.Select(p => new Proto.Pause { From = Timestamp.FromDateTimeOffset(p.From), Until = Optional(p.Until) }));
        proto.Warnings.AddRange(r.Warnings.Select(w => new Proto.Warning
        {
            Before = Duration.FromTimeSpan(w.Before),
            DueAt = Timestamp.FromDateTimeOffset(w.DueAt),
            IssuedAt = Timestamp.FromDateTimeOffset(w.IssuedAt),
        }));
        proto.History.AddRange(r.History.Select(t => new Proto.Transition { Action = t.Action, Actor = t.Actor, At = Timestamp.FromDateTimeOffset(t.At), Detail = t.Detail }));
        return proto;
    }

    public static Proto.RequestSummary ToProto(RequestSummary s) => new()
    {
        RequestId = s.RequestId,
        SubjectId = s.SubjectId,
        Kind = (Proto.RequestKind)(int)s.Kind,
        Status = (Proto.RequestStatus)(int)s.Status,
        ReceivedAt = Timestamp.FromDateTimeOffset(s.ReceivedAt),
        DueAt = Timestamp.FromDateTimeOffset(s.DueAt),
        Overdue = s.Overdue,
    };

    private static Timestamp? Optional(DateTimeOffset? at) => at is { } value ? Timestamp.FromDateTimeOffset(value) : null;
}
