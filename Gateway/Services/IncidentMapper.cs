using System.Collections.Immutable;
using Custodian.Incidents;
using Custodian.Mail;
using Google.Protobuf.WellKnownTypes;
using Proto = Custodian.Gateway.Protos.Incidents;

namespace Custodian.Gateway.Services;

/// <summary>Maps incident messages between the gRPC contract and the grains.</summary>
internal static class IncidentMapper
{
    public static IncidentFacts ToDomain(Proto.IncidentFacts? f) => f is null ? new IncidentFacts() : new IncidentFacts(
        f.HasNature ? f.Nature : null,
        List(f.SubjectCategories),
        f.HasApproximateSubjects ? f.ApproximateSubjects : null,
        List(f.RecordCategories),
        f.HasApproximateRecords ? f.ApproximateRecords : null,
        List(f.AffectedTenants),
        List(f.AffectedSubjects),
        f.HasLikelyConsequences ? f.LikelyConsequences : null,
        f.HasMeasures ? f.Measures : null,
        f.HasContactPoint ? f.ContactPoint : null,
        f.HasRisk ? (RiskLevel)(int)f.Risk : null,
        f.HasEncryptedAtRest ? f.EncryptedAtRest : null,
        List(f.CompromisedKeyVersions));

    public static NoticeRequest ToDomain(Proto.SendNoticeRequest r) => new(
        (NoticeAudience)(int)r.Audience, (NoticePhase)(int)r.Phase, string.IsNullOrWhiteSpace(r.DelayReasons) ? null : r.DelayReasons, string.IsNullOrEmpty(r.Culture) ? null : r.Culture);

    public static Proto.IncidentResponse ToResponse(Incident i, ImmutableArray<MailDelivery> deliveries)
    {
        var proto = new Proto.Incident
        {
            TenantId = i.TenantId,
            IncidentId = i.IncidentId,
            Status = (Proto.IncidentStatus)(int)i.Status,
            AwareAt = Timestamp.FromDateTimeOffset(i.AwareAt),
            DeadlineAt = Timestamp.FromDateTimeOffset(i.DeadlineAt),
            OpenedBy = i.OpenedBy,
            AlertId = i.AlertId ?? "",
            Facts = ToProto(i),
            Overdue = i.Overdue,
            OverdueAt = Time(i.OverdueAt),
            ClosedAt = Time(i.ClosedAt),
        };
        proto.Escalations.AddRange(i.Escalations.Select(e => new Proto.Escalation { AfterHours = e.After.TotalHours, At = Timestamp.FromDateTimeOffset(e.At), MessageId = e.MessageId ?? "" }));
        proto.Notices.AddRange(i.Notices.Select(ToProto));
        proto.History.AddRange(i.History.Select(h => new Proto.Transition { Action = h.Action, Actor = h.Actor, At = Timestamp.FromDateTimeOffset(h.At), Detail = h.Detail }));
        proto.Deliveries.AddRange(deliveries.Select(d => new Proto.Delivery
        {
            MessageId = d.MessageId,
            State = d.State.ToString().ToLowerInvariant(),
            Attempts = d.Attempts,
            DeliveredAt = Time(d.DeliveredAt),
            RelayAnswer = d.RelayAnswer ?? "",
            LastFailure = d.LastFailure ?? "",
        }));
        proto.MissingParts.AddRange(i.MissingParts());
        return new Proto.IncidentResponse { Incident = proto };
    }

    public static Proto.IncidentSummary ToProto(IncidentSummary s) => new()
    {
        TenantId = s.TenantId,
        IncidentId = s.IncidentId,
        Status = (Proto.IncidentStatus)(int)s.Status,
        AwareAt = Timestamp.FromDateTimeOffset(s.AwareAt),
        DeadlineAt = Timestamp.FromDateTimeOffset(s.DeadlineAt),
        Risk = (Proto.RiskLevel)(int)s.Risk,
        Overdue = s.Overdue,
        Notices = s.Notices,
        AuthorityNotifiedAt = Time(s.AuthorityNotifiedAt),
    };

    private static Proto.IncidentFacts ToProto(Incident i)
    {
        var f = new Proto.IncidentFacts
        {
            Nature = i.Nature,
            SubjectCategories = Proto(i.SubjectCategories),
            RecordCategories = Proto(i.RecordCategories),
            AffectedTenants = Proto(i.NoticeTenants),
            AffectedSubjects = Proto(i.AffectedSubjects),
            Risk = (Proto.RiskLevel)(int)i.Risk,
        };
        if (i.ApproximateSubjects is { } subjects)
        {
            f.ApproximateSubjects = subjects;
        }

        if (i.ApproximateRecords is { } records)
        {
            f.ApproximateRecords = records;
        }

        if (i.LikelyConsequences is { } consequences)
        {
            f.LikelyConsequences = consequences;
        }

        if (i.Measures is { } measures)
        {
            f.Measures = measures;
        }

        if (i.ContactPoint is { } contact)
        {
            f.ContactPoint = contact;
        }

        if (i.EncryptedAtRest is { } encrypted)
        {
            f.EncryptedAtRest = encrypted;
        }

        if (i.CompromisedKeyVersions is { } keys)
        {
            f.CompromisedKeyVersions = Proto(keys);
        }

        return f;
    }

    private static Proto.Notice ToProto(IncidentNotice n)
    {
        var proto = new Proto.Notice
        {
            Number = n.Number,
            Audience = (Proto.NoticeAudience)(int)n.Audience,
            Phase = (Proto.NoticePhase)(int)n.Phase,
            SentAt = Timestamp.FromDateTimeOffset(n.SentAt),
            Actor = n.Actor,
            Late = n.Late,
            DelayReasons = n.DelayReasons ?? "",
        };
        proto.MissingParts.AddRange(n.MissingParts);
        proto.References.AddRange(n.References);
        proto.MessageIds.AddRange(n.MessageIds);
        proto.ExemptSubjects.AddRange(n.ExemptSubjects);
        proto.UnreachableSubjects.AddRange(n.UnreachableSubjects);
        return proto;
    }

    private static ImmutableArray<string>? List(Proto.StringList? list) => list is null ? null : [.. list.Values.Select(v => v.Trim())];

    private static Proto.StringList Proto(ImmutableArray<string> values) => new() { Values = { values.IsDefault ? [] : values } };

    private static Timestamp? Time(DateTimeOffset? at) => at is { } value ? Timestamp.FromDateTimeOffset(value) : null;
}
