using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Incidents;

/// <summary>
/// A personal-data breach as recorded (keyed <c>tenant/incident</c>; a breach not yet tied to a tenant uses
/// <see cref="ProviderTenant"/>): when the provider became aware, the Art. 33(3) facts, the risk assessment,
/// the deadline state (escalations sent, overdue), the notices sent and the history.
/// <see cref="ToString"/> shows ids only: the texts and the affected subjects stay out of logs.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Incidents.Incident")]
public sealed record Incident(
    [property: Id(0)] string IncidentId,
    [property: Id(1)] IncidentStatus Status,
    [property: Id(2)] DateTimeOffset AwareAt,
    [property: Id(3)] string Nature,
    [property: Id(4)] string OpenedBy,
    [property: Id(5)] string? AlertId)
{
    /// <summary>The tenant part of the key of an incident that concerns the provider (e.g. opened by a security-report rule).</summary>
    public const string ProviderTenant = "provider";

    /// <summary>How long after awareness the supervisory authority must be notified (Art. 33(1)).</summary>
    public static readonly TimeSpan NoticeDeadline = TimeSpan.FromHours(72);

    /// <summary>The tenant part of the key.</summary>
    [Id(6)]
    public string TenantId { get; init; } = ProviderTenant;

    /// <summary>Categories of data subjects concerned (Art. 33(3)(a)).</summary>
    [Id(7)]
    public ImmutableArray<string> SubjectCategories { get; init; } = [];

    /// <summary>Approximate number of data subjects concerned (Art. 33(3)(a)).</summary>
    [Id(8)]
    public long? ApproximateSubjects { get; init; }

    /// <summary>Categories of personal-data records concerned (Art. 33(3)(a)).</summary>
    [Id(9)]
    public ImmutableArray<string> RecordCategories { get; init; } = [];

    /// <summary>Approximate number of personal-data records concerned (Art. 33(3)(a)).</summary>
    [Id(10)]
    public long? ApproximateRecords { get; init; }

    /// <summary>The tenants (customers) affected; the key's tenant when none is recorded.</summary>
    [Id(11)]
    public ImmutableArray<string> AffectedTenants { get; init; } = [];

    /// <summary>The affected subjects where known, as <c>tenant/subject</c> pseudonyms.</summary>
    [Id(12)]
    public ImmutableArray<string> AffectedSubjects { get; init; } = [];

    /// <summary>Likely consequences (Art. 33(3)(c)).</summary>
    [Id(13)]
    public string? LikelyConsequences { get; init; }

    /// <summary>Measures taken or proposed, including mitigation (Art. 33(3)(d)); the remedial action of the register.</summary>
    [Id(14)]
    public string? Measures { get; init; }

    /// <summary>Name and contact of the DPO or other contact point (Art. 33(3)(b)).</summary>
    [Id(15)]
    public string? ContactPoint { get; init; }

    /// <summary>The risk assessment.</summary>
    [Id(16)]
    public RiskLevel Risk { get; init; }

    /// <summary>True when the affected data is the stored (encrypted at rest) state, e.g. a copy of storage; false when it was read in clear; null when not known.</summary>
    [Id(17)]
    public bool? EncryptedAtRest { get; init; }

    /// <summary>The key-encryption-key versions compromised: empty for none, null when not known.</summary>
    [Id(18)]
    public ImmutableArray<string>? CompromisedKeyVersions { get; init; }

    /// <summary>When the notice to the supervisory authority is due: awareness + 72 hours.</summary>
    [Id(19)]
    public DateTimeOffset DeadlineAt { get; init; }

    /// <summary>The escalation reminders sent, each point once.</summary>
    [Id(20)]
    public ImmutableArray<IncidentEscalation> Escalations { get; init; } = [];

    /// <summary>When the deadline passed with the authority notice still owed; null if it never did.</summary>
    [Id(21)]
    public DateTimeOffset? OverdueAt { get; init; }

    /// <summary>The notices sent, oldest first.</summary>
    [Id(22)]
    public ImmutableArray<IncidentNotice> Notices { get; init; } = [];

    /// <summary>Every transition, oldest first.</summary>
    [Id(23)]
    public ImmutableArray<IncidentTransition> History { get; init; } = [];

    /// <summary>When it was closed.</summary>
    [Id(24)]
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The grain key of incident <paramref name="incidentId"/> of <paramref name="tenantId"/>.</summary>
    public static string GrainKey(string tenantId, string incidentId) => $"{tenantId}/{incidentId}";

    /// <summary>True once a notice to the supervisory authority was sent.</summary>
    public bool AuthorityNotified => Notices.Any(n => n.Audience == NoticeAudience.Authority);

    /// <summary>True while the authority must still be notified: not closed, not assessed as no risk, no authority notice yet.</summary>
    public bool NoticeOwed => Status is IncidentStatus.Draft or IncidentStatus.Open && Risk != RiskLevel.None && !AuthorityNotified;

    /// <summary>True when the 72 hours passed and the authority notice is still owed.</summary>
    public bool Overdue => OverdueAt is not null && NoticeOwed;

    /// <summary>The tenants notices go to: the affected ones, or the key's tenant when none is recorded.</summary>
    public ImmutableArray<string> NoticeTenants => AffectedTenants.IsDefaultOrEmpty ? [TenantId] : AffectedTenants;

    /// <summary>The Art. 33(3)(a)–(d) content the incident still lacks, by field name, in the order of the article.</summary>
    public ImmutableArray<string> MissingParts()
    {
        var missing = ImmutableArray.CreateBuilder<string>();
        if (string.IsNullOrWhiteSpace(Nature))
        {
            missing.Add("nature");
        }

        if (SubjectCategories.IsDefaultOrEmpty)
        {
            missing.Add("subject_categories");
        }

        if (ApproximateSubjects is null)
        {
            missing.Add("approximate_subjects");
        }

        if (RecordCategories.IsDefaultOrEmpty)
        {
            missing.Add("record_categories");
        }

        if (ApproximateRecords is null)
        {
            missing.Add("approximate_records");
        }

        if (string.IsNullOrWhiteSpace(ContactPoint))
        {
            missing.Add("contact_point");
        }

        if (string.IsNullOrWhiteSpace(LikelyConsequences))
        {
            missing.Add("likely_consequences");
        }

        if (string.IsNullOrWhiteSpace(Measures))
        {
            missing.Add("measures");
        }

        return missing.ToImmutable();
    }

    /// <summary>Checks an incident's key parts: a tenant id and an incident id, both of the tenant-id shape.</summary>
    public static void CheckRef(string? tenantId, string? incidentId, List<FieldViolation> violations)
    {
        Identifiers.CheckTenantId(tenantId, "tenant_id", violations);
        Identifiers.CheckTenantId(incidentId, "incident_id", violations);
    }

    /// <summary>Ids only.</summary>
    public override string ToString() => $"Incident {{ {TenantId}/{IncidentId}, {Status}, Risk = {Risk}, Notices = {Notices.Length} }}";
}
