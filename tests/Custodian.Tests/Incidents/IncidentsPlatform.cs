using System.Collections.Immutable;
using Custodian.Incidents;
using Custodian.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Custodian.Tests.Incidents;

/// <summary>
/// The platform with incident deadlines on a <see cref="FakeTimeProvider"/> (the outbox, the rest of the silo and the
/// gateway keep the real clock, so mail is really delivered), the default escalation points, officer and DPO
/// addresses, and contacts for two tenants (a third has none).
/// </summary>
public sealed class IncidentsPlatform : Platform
{
    public const string OfficerEmail = "officer@provider.test";
    public const string DpoEmail = "dpo@provider.test";
    public const string Acme = "acme-inc";
    public const string Globex = "globex-inc";
    public const string Unconfigured = "initech";

    /// <summary>The clock incident grains run on; tests only move it forward.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public static string AuthorityOf(string tenant) => $"authority-{tenant}@dpa.test";

    public static string ContactOf(string tenant) => $"privacy-{tenant}@customer.test";

    /// <summary>The incident grain of <paramref name="tenant"/>/<paramref name="incidentId"/>, called inside the silo.</summary>
    public IIncidentGrain Incident(string tenant, string incidentId) => SiloGrains.GetGrain<IIncidentGrain>(Custodian.Incidents.Incident.GrainKey(tenant, incidentId));

    /// <summary>Opens an incident the provider became aware of <paramref name="awareAgo"/> ago (by the fake clock), with <paramref name="facts"/>.</summary>
    public async Task<(IIncidentGrain Grain, Incident Incident)> OpenAsync(string tenant, TimeSpan awareAgo, IncidentFacts? facts = null)
    {
        var grain = Incident(tenant, Platform.NewId("inc"));
        var result = await grain.OpenAsync(new IncidentOpening(Clock.GetUtcNow() - awareAgo, facts ?? new IncidentFacts(Nature: "Unauthorised read of a storage account copy"), "officer-test"));
        return (grain, result.Incident ?? throw new InvalidOperationException("opening failed: " + string.Join("; ", result.Violations.Select(v => v.Field)) + result.Refusal));
    }

    /// <summary>Every Art. 33(3) fact, for <paramref name="tenants"/> and <paramref name="subjects"/>.</summary>
    public static IncidentFacts CompleteFacts(ImmutableArray<string> tenants, ImmutableArray<string>? subjects = null, RiskLevel risk = RiskLevel.Risk) => new(
        Nature: "A copy of a storage account was readable from the internet for 3 hours",
        SubjectCategories: ["customers", "employees"],
        ApproximateSubjects: 1200,
        RecordCategories: ["contact details", "invoices"],
        ApproximateRecords: 5400,
        AffectedTenants: tenants,
        AffectedSubjects: subjects,
        LikelyConsequences: "Phishing e-mails to the people concerned are possible",
        Measures: "Access closed, keys rotated, monitoring for misuse",
        ContactPoint: "Data Protection Officer, dpo@provider.test, +49 30 1234567",
        Risk: risk);

    /// <summary>The mails the relay received under <paramref name="messageId"/>.</summary>
    public IReadOnlyList<ReceivedMail> Received(string messageId) => Mail.WithMessageId(messageId);

    protected override void ConfigureSiloServices(IServiceCollection services) =>
        services.AddKeyedSingleton<TimeProvider>(IncidentsOptions.ClockKey, Clock);

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() =>
    [
        new("Incidents:OfficerEmail", OfficerEmail),
        new("Incidents:DpoEmail", DpoEmail),
        new($"Incidents:Tenants:{Acme}:AuthorityEmail", AuthorityOf(Acme)),
        new($"Incidents:Tenants:{Acme}:ContactEmail", ContactOf(Acme)),
        new($"Incidents:Tenants:{Globex}:AuthorityEmail", AuthorityOf(Globex)),
        new($"Incidents:Tenants:{Globex}:ContactEmail", ContactOf(Globex)),
    ];

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraGatewaySettings() =>
    [
        new("Gateway:RateLimitPerSecond", "100000"),
        new("Gateway:RateLimitBurst", "100000"),
    ];
}

/// <summary>The incident tests share one platform and run one after another: one of them stops its SMTP relay for a while.</summary>
[CollectionDefinition(Name)]
public sealed class IncidentsCollection : ICollectionFixture<IncidentsPlatform>
{
    public const string Name = "incidents";
}
