using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Security;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Hosting;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Google.Protobuf.WellKnownTypes;
using SecurityClient = Custodian.Gateway.Protos.Security.SecurityReports.SecurityReportsClient;

namespace Custodian.Tests.Security;

/// <summary>
/// The platform with fast security reports: gateways report every <see cref="EvaluationPeriod"/>,
/// the volume rule fires above <see cref="VolumePerMinute"/> calls a minute and suspends the
/// principal and opens a draft incident; 127.0.0.1 is a trusted proxy (tests set source addresses).
/// </summary>
public sealed class SecurityPlatform : Platform
{
    public static readonly TimeSpan EvaluationPeriod = TimeSpan.FromSeconds(1);
    public const int VolumePerMinute = 40;
    public const int DenialsCount = 3;

    /// <summary>The officer the tests read alerts, issue grants and lift suspensions as.</summary>
    public const string Officer = "officer-sec";

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() =>
    [
        new("Security:EvaluationPeriod", EvaluationPeriod.ToString()),
        new("Security:VolumeMinimumPerMinute", $"{VolumePerMinute}"),
        new("Security:DenialsCount", $"{DenialsCount}"),
        new("Security:BulkSubjectsPerHour", "5"),
        new("Security:AutoSuspend", "volume"),
        new("Security:DraftIncident", "volume, bulk-export"),
        new("Security:Cooldown", "00:00:01"),
    ];

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraGatewaySettings() =>
    [
        new("Security:EvaluationPeriod", EvaluationPeriod.ToString()),
        new("Gateway:TrustedProxies:0", "127.0.0.1/32"),
        new("Gateway:RateLimitPerSecond", "100000"),
        new("Gateway:RateLimitBurst", "100000"),
    ];

    /// <summary>
    /// Polls the alerts until one matches, once a second for up to 30 s: the officer's polls are calls the volume rule
    /// counts too, and polling faster would have a slow machine suspend the officer (more than 40 calls a minute).
    /// </summary>
    public async Task<Alert> AlertAsync(Func<Alert, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if ((await AlertsAsync()).FirstOrDefault(match) is { } alert)
            {
                return alert;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("No such alert within 30 s.");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private async Task<List<Alert>> AlertsAsync()
    {
        var officer = new SecurityClient(Channel(DevelopmentTokens.Mint(Jwt, Officer, null, ["officer"], TimeSpan.FromMinutes(5))));
        return [.. (await officer.ListAlertsAsync(new ListAlertsRequest { Limit = 1000 })).Alerts];
    }

    /// <summary>A new staff principal with a read grant from <paramref name="cidr"/> on a new tenant holding one contact record.</summary>
    public async Task<(string Staff, Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient Reader, GetRecordRequest Read)> StaffReaderAsync(string cidr, string email)
    {
        var tenant = Platform.NewId("acme");
        var staff = Platform.NewId("staff");
        await Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact(email) });
        await IssueReadGrantAsync(staff, tenant, cidr);
        return (staff, SubjectsAs(staff, null, "staff"), new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" });
    }

    private async Task IssueReadGrantAsync(string principal, string tenant, string cidr) =>
        await Access(Officer, "officer").IssueGrantAsync(new IssueGrantRequest
        {
            Principal = principal,
            Scope = new GrantScope { TenantId = tenant },
            Operations = { Custodian.Gateway.Protos.Access.Operation.Read },
            Purpose = "support",
            Justification = "ticket S-1",
            Cidrs = { cidr },
            ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)),
        });
}

/// <summary>The tests that share one <see cref="SecurityPlatform"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityPlatform>
{
    public const string Name = "security";
}
