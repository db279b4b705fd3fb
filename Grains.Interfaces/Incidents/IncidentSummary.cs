using System.Collections.Immutable;

namespace Custodian.Incidents;

/// <summary>
/// One row of the breach register (Art. 33(5)): the facts, the effects and the remedial action, the assessment,
/// the deadline and the notices sent. No subject is named.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Incidents.IncidentSummary")]
public sealed record IncidentSummary(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string IncidentId,
    [property: Id(2)] IncidentStatus Status,
    [property: Id(3)] DateTimeOffset AwareAt,
    [property: Id(4)] DateTimeOffset DeadlineAt,
    [property: Id(5)] string Nature,
    [property: Id(6)] ImmutableArray<string> SubjectCategories,
    [property: Id(7)] long? ApproximateSubjects,
    [property: Id(8)] ImmutableArray<string> RecordCategories,
    [property: Id(9)] long? ApproximateRecords,
    [property: Id(10)] ImmutableArray<string> AffectedTenants,
    [property: Id(11)] string? LikelyConsequences,
    [property: Id(12)] string? Measures,
    [property: Id(13)] RiskLevel Risk,
    [property: Id(14)] bool Overdue,
    [property: Id(15)] DateTimeOffset? AuthorityNotifiedAt,
    [property: Id(16)] int Notices,
    [property: Id(17)] string? DelayReasons,
    [property: Id(18)] DateTimeOffset? ClosedAt)
{
    /// <summary>The register row of <paramref name="incident"/>.</summary>
    public static IncidentSummary Of(Incident incident)
    {
        var authority = incident.Notices.FirstOrDefault(n => n.Audience == NoticeAudience.Authority);
        return new IncidentSummary(
            incident.TenantId, incident.IncidentId, incident.Status, incident.AwareAt, incident.DeadlineAt, incident.Nature,
            incident.SubjectCategories, incident.ApproximateSubjects, incident.RecordCategories, incident.ApproximateRecords,
            incident.NoticeTenants, incident.LikelyConsequences, incident.Measures, incident.Risk, incident.OverdueAt is not null,
            authority?.SentAt, incident.Notices.Length, authority?.DelayReasons, incident.ClosedAt);
    }

    /// <summary>Ids only.</summary>
    public override string ToString() => $"IncidentSummary {{ {TenantId}/{IncidentId}, {Status} }}";
}
