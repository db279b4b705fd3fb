using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Incidents;

/// <summary>
/// The rules of an incident's life as pure functions of the incident and the time: opening, every transition (each
/// illegal one refused with a reason, the incident unchanged), what a notice needs, and which deadline points are due.
/// </summary>
public static class IncidentLifecycle
{
    /// <summary>A new incident opened by an officer, or the fields that make the opening (or the key) invalid.</summary>
    public static IncidentResult Open(string tenantId, string incidentId, IncidentOpening opening, DateTimeOffset now)
    {
        var violations = new List<FieldViolation>();
        Incident.CheckRef(tenantId, incidentId, violations);
        violations.AddRange(opening.Validate(now));
        if (violations.Count > 0)
        {
            return IncidentResult.Invalid(violations);
        }

        var aware = opening.AwareAt.ToUniversalTime();
        var incident = Apply(New(tenantId, incidentId, IncidentStatus.Open, aware, opening.Facts.Nature!, opening.OpenedBy, null), opening.Facts);
        return IncidentResult.Ok(Record(incident, "opened", opening.OpenedBy, now, $"aware={aware:O}"));
    }

    /// <summary>A draft opened by a security-report rule.</summary>
    public static Incident Draft(string tenantId, string incidentId, DateTimeOffset awareAt, string nature, string openedBy, string? alertId, DateTimeOffset now) =>
        Record(New(tenantId, incidentId, IncidentStatus.Draft, awareAt.ToUniversalTime(), nature, openedBy, alertId), "drafted", openedBy, now, "alert=" + (alertId ?? "-"));

    /// <summary>Records facts and the assessment; a closed incident does not change.</summary>
    public static IncidentResult Update(Incident incident, IncidentFacts facts, string actor, DateTimeOffset now)
    {
        if (facts.ValidateUpdate() is { Count: > 0 } violations)
        {
            return IncidentResult.Invalid(violations);
        }

        if (incident.Status == IncidentStatus.Closed)
        {
            return IncidentResult.Refused("The incident is closed; a closed incident does not change.");
        }

        var next = Apply(incident, facts);
        return IncidentResult.Ok(Record(next, "updated", actor, now, $"risk={next.Risk} tenants={next.NoticeTenants.Length} subjects={next.AffectedSubjects.Length}"));
    }

    /// <summary>Confirms a draft as a breach.</summary>
    public static IncidentResult Confirm(Incident incident, string actor, DateTimeOffset now) =>
        incident.Status == IncidentStatus.Draft
            ? IncidentResult.Ok(Record(incident with { Status = IncidentStatus.Open }, "confirmed", actor, now, ""))
            : IncidentResult.Refused($"Only a draft can be confirmed; this incident is {Describe(incident.Status)}.");

    /// <summary>
    /// Closes: a draft (dismissed), or an open incident whose risk is assessed and, unless it is no risk, whose
    /// supervisory authority was notified. A closed incident does not change.
    /// </summary>
    public static IncidentResult Close(Incident incident, string actor, DateTimeOffset now)
    {
        switch (incident.Status)
        {
            case IncidentStatus.Closed:
                return IncidentResult.Refused("The incident is already closed; a closed incident does not change.");
            case IncidentStatus.Open when incident.Risk == RiskLevel.Unassessed:
                return IncidentResult.Refused("The risk is not assessed; assess it (none, risk or high) before closing.");
            case IncidentStatus.Open when incident.Risk != RiskLevel.None && !incident.AuthorityNotified:
                return IncidentResult.Refused("The supervisory authority has not been notified of this breach (Art. 33(1)); notify it before closing.");
        }

        var action = incident.Status == IncidentStatus.Draft ? "dismissed" : "closed";
        return IncidentResult.Ok(Record(incident with { Status = IncidentStatus.Closed, ClosedAt = now }, action, actor, now, ""));
    }

    /// <summary>The Art. 33(3)(a)–(d) content the incident still lacks; see <see cref="Incident.MissingParts"/>.</summary>
    public static ImmutableArray<string> MissingParts(Incident incident) => incident.MissingParts();

    /// <summary>
    /// Whether <paramref name="notice"/> may be sent now: the notice as it will be recorded (without message ids), or
    /// why not. Only an open incident; subjects only for a high risk; a first phase only as the first notice to its
    /// audience; a complete notice only with all of Art. 33(3); an authority notice after the deadline only with reasons.
    /// </summary>
    public static (IncidentNotice? Notice, IncidentResult? Refusal) PrepareNotice(Incident incident, NoticeRequest notice, string actor, DateTimeOffset now)
    {
        if (notice.Validate() is { Count: > 0 } violations)
        {
            return (null, IncidentResult.Invalid(violations));
        }

        if (incident.Status != IncidentStatus.Open)
        {
            return (null, IncidentResult.Refused(incident.Status == IncidentStatus.Draft
                ? "The incident is a draft; confirm it before sending notices."
                : "The incident is closed; no more notices are sent."));
        }

        if (notice.Audience == NoticeAudience.Subjects && incident.Risk != RiskLevel.High)
        {
            return (null, IncidentResult.Refused($"Data subjects are notified of a high-risk breach only (Art. 34(1)); the risk is assessed as {Describe(incident.Risk)}."));
        }

        var earlier = incident.Notices.Where(n => n.Audience == notice.Audience).ToImmutableArray();
        if (notice.Phase == NoticePhase.First && earlier.Length > 0)
        {
            return (null, IncidentResult.Refused($"A first phase is the first notice to its audience; notice {earlier[^1].Number} was already sent to the {Describe(notice.Audience)}. Send a final notice."));
        }

        var missing = MissingParts(incident);
        if (notice.Phase == NoticePhase.Final && missing.Length > 0)
        {
            return (null, IncidentResult.Refused(
                "The notice lacks Art. 33(3) content: " + string.Join(", ", missing) + ". Complete the incident, or send it as a first phase (Art. 33(4)).", missing));
        }

        var late = notice.Audience == NoticeAudience.Authority && !incident.AuthorityNotified && now > incident.DeadlineAt;
        if (late && string.IsNullOrWhiteSpace(notice.DelayReasons))
        {
            return (null, IncidentResult.Refused(
                $"The 72 hours after awareness ended {incident.DeadlineAt:O}; a notice to the supervisory authority now must give the reasons for the delay (Art. 33(1), delay_reasons)."));
        }

        return (new IncidentNotice(
            incident.Notices.Length + 1, notice.Audience, notice.Phase, now, actor, late, late ? notice.DelayReasons!.Trim() : null,
            notice.Phase == NoticePhase.First ? missing : [], [.. earlier.Select(n => n.Number)], [], [], []), null);
    }

    /// <summary>The incident with <paramref name="notice"/> recorded as sent.</summary>
    public static Incident Sent(Incident incident, IncidentNotice notice) =>
        Record(incident with { Notices = incident.Notices.Add(notice) }, "notified", notice.Actor, notice.SentAt,
            $"notice={notice.Number} audience={notice.Audience} phase={notice.Phase} mails={notice.MessageIds.Length} late={notice.Late}");

    /// <summary>
    /// The escalation points and the overdue flag due at <paramref name="now"/> that the incident does not have yet,
    /// each once; nothing once the authority notice is no longer owed.
    /// </summary>
    public static (Incident Incident, ImmutableArray<TimeSpan> Escalate, bool WentOverdue) Tick(
        Incident incident, IReadOnlyList<TimeSpan> points, string actor, DateTimeOffset now)
    {
        if (!incident.NoticeOwed)
        {
            return (incident, [], false);
        }

        var due = points
            .Where(p => now >= incident.AwareAt + p && !incident.Escalations.Any(e => e.After == p))
            .ToImmutableArray();
        var wentOverdue = incident.OverdueAt is null && now >= incident.DeadlineAt;
        var next = incident;
        foreach (var point in due)
        {
            next = Record(next with { Escalations = next.Escalations.Add(new IncidentEscalation(point, now, EscalationMessageId(incident, point))) },
                "escalated", actor, now, $"{point.TotalHours:0.##} h after awareness");
        }

        if (wentOverdue)
        {
            next = Record(next with { OverdueAt = now }, "overdue", actor, now, $"deadline {incident.DeadlineAt:O}");
        }

        return (next, due, wentOverdue);
    }

    /// <summary>The next time an escalation or the overdue flag falls due; null when none will (notice no longer owed, or overdue with every point sent).</summary>
    public static DateTimeOffset? NextDeadline(Incident incident, IReadOnlyList<TimeSpan> points, DateTimeOffset now)
    {
        if (!incident.NoticeOwed)
        {
            return null;
        }

        var times = points.Where(p => !incident.Escalations.Any(e => e.After == p)).Select(p => incident.AwareAt + p);
        if (incident.OverdueAt is null)
        {
            times = times.Append(incident.DeadlineAt);
        }

        return times.DefaultIfEmpty(DateTimeOffset.MaxValue).Min() is var first && first == DateTimeOffset.MaxValue ? null : first > now ? first : now;
    }

    /// <summary>The stable Message-ID of the escalation at <paramref name="point"/>.</summary>
    public static string EscalationMessageId(Incident incident, TimeSpan point) =>
        $"{incident.IncidentId}.escalation-{(long)point.TotalSeconds}s.{incident.TenantId}@incidents.custodian";

    /// <summary>The stable Message-ID of mail <paramref name="index"/> of notice <paramref name="number"/>.</summary>
    public static string NoticeMessageId(Incident incident, int number, NoticeAudience audience, int index) =>
        $"{incident.IncidentId}.notice-{number}.{audience.ToString().ToLowerInvariant()}-{index}.{incident.TenantId}@incidents.custodian";

    private static Incident New(string tenantId, string incidentId, IncidentStatus status, DateTimeOffset aware, string nature, string openedBy, string? alertId) =>
        new(incidentId, status, aware, nature, openedBy, alertId) { TenantId = tenantId, DeadlineAt = aware + Incident.NoticeDeadline };

    private static Incident Apply(Incident incident, IncidentFacts facts) => incident with
    {
        Nature = facts.Nature?.Trim() ?? incident.Nature,
        SubjectCategories = facts.SubjectCategories ?? incident.SubjectCategories,
        ApproximateSubjects = facts.ApproximateSubjects ?? incident.ApproximateSubjects,
        RecordCategories = facts.RecordCategories ?? incident.RecordCategories,
        ApproximateRecords = facts.ApproximateRecords ?? incident.ApproximateRecords,
        AffectedTenants = facts.AffectedTenants is { } tenants ? [.. tenants.Distinct()] : incident.AffectedTenants,
        AffectedSubjects = facts.AffectedSubjects is { } subjects ? [.. subjects.Distinct()] : incident.AffectedSubjects,
        LikelyConsequences = facts.LikelyConsequences?.Trim() ?? incident.LikelyConsequences,
        Measures = facts.Measures?.Trim() ?? incident.Measures,
        ContactPoint = facts.ContactPoint?.Trim() ?? incident.ContactPoint,
        Risk = facts.Risk ?? incident.Risk,
        EncryptedAtRest = facts.EncryptedAtRest ?? incident.EncryptedAtRest,
        CompromisedKeyVersions = facts.CompromisedKeyVersions ?? incident.CompromisedKeyVersions,
    };

    private static Incident Record(Incident incident, string action, string actor, DateTimeOffset now, string detail) =>
        incident with { History = incident.History.Add(new IncidentTransition(action, actor, now, detail)) };

    private static string Describe<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
