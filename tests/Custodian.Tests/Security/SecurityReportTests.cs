using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Security;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Hosting;
using Custodian.Incidents;
using Custodian.Security;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Xunit.Abstractions;
using SecurityClient = Custodian.Gateway.Protos.Security.SecurityReports.SecurityReportsClient;

namespace Custodian.Tests.Security;

public sealed class SecurityReportTests(SecurityPlatform platform, ITestOutputHelper output) : IClassFixture<SecurityPlatform>
{
    private const string Officer = "officer-sec";

    [Fact]
    public async Task ABurstOfReadsFiresTheVolumeRuleWithinOnePeriodAndTheNextReadIsDenied()
    {
        // Arrange: a staff member with a read grant on a tenant with one record
        var (staff, reader, read) = await StaffReaderAsync("127.0.0.0/8", "burst@example.org");
        using var alertsCounted = new AlertCounter();

        // Act: a burst past the per-minute threshold (up to twice over, so that one minute holds more
        // than the threshold even if the burst straddles two), until the suspension stops it
        var completed = new List<DateTimeOffset>();
        RpcException? stopped = null;
        while (completed.Count < 2 * (SecurityPlatform.VolumePerMinute + 1) && stopped is null)
        {
            try
            {
                await reader.GetRecordAsync(read);
                completed.Add(DateTimeOffset.UtcNow);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
            {
                stopped = e;
            }
        }

        var alert = await AlertAsync(a => a.Principal == staff && a.Rule == "volume");
        var next = stopped ?? await Assert.ThrowsAsync<RpcException>(async () => await reader.GetRecordAsync(read));

        // Assert: the alert came within one evaluation period of the read that crossed the threshold
        var crossed = completed.GroupBy(t => new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero))
            .First(m => m.Count() > SecurityPlatform.VolumePerMinute).ElementAt(SecurityPlatform.VolumePerMinute);
        var delay = alert.At.ToDateTimeOffset() - crossed;
        output.WriteLine($"{completed.Count} reads allowed; the volume alert came {delay.TotalMilliseconds:F0} ms after the read that crossed the threshold (evaluation period {SecurityPlatform.EvaluationPeriod.TotalMilliseconds:F0} ms)");
        Assert.True(delay <= SecurityPlatform.EvaluationPeriod + TimeSpan.FromMilliseconds(500), $"the alert came {delay} after the threshold was crossed");
        Assert.True(alert.Suspended);
        Assert.Equal(StatusCode.PermissionDenied, next.StatusCode);
        Assert.Contains(" calls in the minute", alert.Detail);
        var incident = await platform.SiloGrains.GetGrain<IIncidentGrain>(alert.IncidentId).GetAsync();
        Assert.Equal(IncidentStatus.Draft, incident!.Status);
        Assert.Equal(alert.AlertId, incident.AlertId);
        Assert.True(alertsCounted.Of("volume") >= 1);
        var trail = await platform.AuditEntriesOfAsync(SecurityAlertsGrain.Actor);
        Assert.Contains(trail, e => e.Record.Action == "Alert:volume" && e.Record.Target == "principal:" + staff && e.Record.GrantId == alert.AlertId);
        Assert.DoesNotContain(platform.Logs.Lines, l => l.Contains("burst@example.org", StringComparison.Ordinal));
        Assert.True(await AuditStoreText.ContainsAsync(platform.Azurite.Tables, staff));
        Assert.False(await AuditStoreText.ContainsAsync(platform.Azurite.Tables, "burst@example.org"));
    }

    [Fact]
    public async Task AnOfficerLiftsTheSuspensionAndTheGrantWorksAgain()
    {
        // Arrange: a suspended principal
        var (staff, reader, read) = await StaffReaderAsync("127.0.0.0/8", "lift@example.org");
        for (var i = 0; i <= SecurityPlatform.VolumePerMinute; i++)
        {
            await reader.GetRecordAsync(read);
        }

        await AlertAsync(a => a.Principal == staff && a.Suspended);
        var officer = DevelopmentTokens.Mint(platform.Jwt, Officer, null, ["officer"], TimeSpan.FromMinutes(5));

        // Act
        var activity = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "security", "activity", staff));
        var resume = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "security", "resume", staff, "--reason", "checked with the team lead"));
        var again = await reader.GetRecordAsync(read);
        var resumeTwice = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "security", "resume", staff, "--reason", "again"));
        var list = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "security", "alerts"));

        // Assert
        Assert.Equal(0, activity.ExitCode);
        Assert.Contains("Suspended:", activity.Output);
        Assert.Contains("(volume)", activity.Output);
        Assert.Equal(0, resume.ExitCode);
        Assert.Contains("lifted", resume.Output);
        Assert.Equal("lift@example.org", again.Record.Fields["email"]);
        Assert.Equal(1, resumeTwice.ExitCode);
        Assert.Contains("NotFound", resumeTwice.Error);
        Assert.Contains(staff, list.Output);
        Assert.Contains(await platform.AuditEntriesOfAsync(Officer), e => e.Record.Action.EndsWith("/ResumePrincipal", StringComparison.Ordinal) && e.Record.Outcome == "done");
    }

    [Fact]
    public async Task ASuspendedClientApplicationIsRefusedUntilAnOfficerLiftsTheSuspension()
    {
        // Arrange: a client application (access by its role, no grant) reading its own tenant's record
        var tenant = Platform.NewId("acme");
        var app = Platform.NewId("app");
        var reader = platform.SubjectsAs(app, tenant, "app");
        await reader.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("app-burst@example.org") });
        var read = new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" };

        // Act: a burst past the volume threshold, until the suspension stops it
        RpcException? stopped = null;
        for (var i = 0; i < 4 * (SecurityPlatform.VolumePerMinute + 1) && stopped is null; i++)
        {
            try
            {
                await reader.GetRecordAsync(read);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
            {
                stopped = e;
            }
        }

        var alert = await AlertAsync(a => a.Principal == app && a.Suspended);
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await reader.GetRecordAsync(read));
        await new SecurityClient(platform.Channel(DevelopmentTokens.Mint(platform.Jwt, Officer, null, ["officer"], TimeSpan.FromMinutes(5))))
            .ResumePrincipalAsync(new ResumePrincipalRequest { Principal = app, Reason = "key rotated at the customer" });
        var again = await reader.GetRecordAsync(read);

        // Assert
        Assert.Equal("volume", alert.Rule);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal("app-burst@example.org", again.Record.Fields["email"]);
        Assert.Contains(await platform.AuditEntriesOfAsync(app), e => e.Record.Outcome == "denied:suspended" && e.Record.Action.StartsWith("Read:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RepeatedDenialsRaiseAnAlertWithoutSuspending()
    {
        // Arrange
        var stranger = Platform.NewId("staff");
        var reader = platform.SubjectsAs(stranger, null, "staff");

        // Act
        for (var i = 0; i < SecurityPlatform.DenialsCount; i++)
        {
            await Assert.ThrowsAsync<RpcException>(async () => await reader.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = "acme", SubjectId = $"s{i}", Category = "contact" }));
        }

        // Assert
        var alert = await AlertAsync(a => a.Principal == stranger && a.Rule == "repeated-denials");
        Assert.False(alert.Suspended);
        Assert.Equal("", alert.IncidentId);
        Assert.Contains($"{SecurityPlatform.DenialsCount} denied calls", alert.Detail);
    }

    [Fact]
    public async Task ACallFromANewNetworkRaisesAnAlertOnceThePrincipalHasAHistory()
    {
        // Arrange: a grant for 10.0.0.0/8; the first calls come from one network in it
        var (staff, reader, read) = await StaffReaderAsync("10.0.0.0/8", "net@example.org");
        await reader.GetRecordAsync(read, new Metadata { { "X-Forwarded-For", "10.1.1.1" } });
        await Poll.UntilAsync(async () => (await Activity(staff)).KnownNetworks == 1 ? true : throw new InvalidOperationException("the first network is not known yet"), TimeSpan.FromSeconds(20));
        await reader.GetRecordAsync(read, new Metadata { { "X-Forwarded-For", "10.1.1.2" } }); // same /24

        // Act
        await reader.GetRecordAsync(read, new Metadata { { "X-Forwarded-For", "10.7.7.7" } });

        // Assert
        var alert = await AlertAsync(a => a.Principal == staff && a.Rule == "new-network");
        Assert.Contains("1 network(s)", alert.Detail);
        Assert.DoesNotContain("10.7.7", alert.Detail);
        Assert.Equal(2, (await Activity(staff)).KnownNetworks);
    }

    [Fact]
    public async Task TheRulesWeighAPrincipalAgainstItsOwnBaselineAndWorkingHours()
    {
        // Arrange: two principals' histories fed straight to their grains; a Saturday, 03:00 UTC
        var busy = platform.SiloGrains.GetGrain<IPrincipalActivityGrain>($"{Platform.Region}/{Platform.NewId("busy-app")}");
        var quiet = platform.SiloGrains.GetGrain<IPrincipalActivityGrain>($"{Platform.Region}/{Platform.NewId("quiet-staff")}");
        var saturday = new DateTimeOffset(2026, 11, 21, 3, 0, 0, TimeSpan.Zero);
        for (var h = 5; h >= 1; h--)
        {
            await busy.ReportAsync(Sample(saturday.AddHours(-h), calls: 6_000, appCalls: 6_000));
            await quiet.ReportAsync(Sample(saturday.AddHours(-h), calls: 60, appCalls: 0));
        }

        // Act: both make 500 calls in one minute
        var busyAlerts = await busy.ReportAsync(Sample(saturday, calls: 500, appCalls: 500));
        var quietAlerts = await quiet.ReportAsync(Sample(saturday, calls: 500, appCalls: 0));
        var busyStats = await busy.GetAsync();

        // Assert: 500 a minute is 5 times the busy app's baseline of 100 (under the factor of 10) and
        // 500 times the quiet person's baseline of 1; only people are held to working hours.
        Assert.Equal(100, busyStats.BaselinePerMinute, precision: 6);
        Assert.DoesNotContain(busyAlerts, a => a.Rule == "volume");
        Assert.DoesNotContain(busyAlerts, a => a.Rule == "off-hours");
        Assert.Contains(quietAlerts, a => a.Rule == "volume" && a.Detail.Contains("baseline 1.0 per minute", StringComparison.Ordinal));
        Assert.Contains(quietAlerts, a => a.Rule == "off-hours");
        Assert.Equal(6, busyStats.Hours.Length);
    }

    [Fact]
    public async Task ManyDistinctSubjectsInAnHourAreABulkExport()
    {
        // Arrange
        var principal = Platform.NewId("staff");
        var grain = platform.SiloGrains.GetGrain<IPrincipalActivityGrain>($"{Platform.Region}/{principal}");
        var at = DateTimeOffset.UtcNow;

        // Act: 3 subjects, then 3 more in the same hour (the threshold is 5)
        var first = await grain.ReportAsync(Sample(at, calls: 3, appCalls: 0, subjects: ["subject:a", "subject:b", "subject:c"]));
        var second = await grain.ReportAsync(Sample(at.AddSeconds(1), calls: 3, appCalls: 0, subjects: ["subject:c", "subject:d", "subject:e", "subject:f"]));

        // Assert
        Assert.DoesNotContain(first, a => a.Rule == "bulk-export");
        var alert = Assert.Single(second, a => a.Rule == "bulk-export");
        Assert.StartsWith("6 distinct subjects", alert.Detail); // one past the threshold is enough to know
        Assert.NotNull(alert.IncidentId);
    }

    [Fact]
    public async Task OnlyOfficersAndTheDpoReadAlertsAndBadInputIsNamed()
    {
        var staffClient = new SecurityClient(platform.Channel(DevelopmentTokens.Mint(platform.Jwt, "staff-nosy", null, ["staff"], TimeSpan.FromMinutes(5))));
        var dpo = new SecurityClient(platform.Channel(DevelopmentTokens.Mint(platform.Jwt, "dpo-1", null, ["dpo"], TimeSpan.FromMinutes(5))));

        var denied = await Assert.ThrowsAsync<RpcException>(async () => await staffClient.ListAlertsAsync(new ListAlertsRequest()));
        var badLimit = await Assert.ThrowsAsync<RpcException>(async () => await dpo.ListAlertsAsync(new ListAlertsRequest { Limit = 5000 }));
        var noPrincipal = await Assert.ThrowsAsync<RpcException>(async () => await dpo.GetActivityAsync(new GetActivityRequest()));
        var dpoResumes = await Assert.ThrowsAsync<RpcException>(async () => await dpo.ResumePrincipalAsync(new ResumePrincipalRequest { Principal = "x", Reason = "y" }));

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal((StatusCode.InvalidArgument, StatusCode.InvalidArgument), (badLimit.StatusCode, noPrincipal.StatusCode));
        Assert.Contains("limit", badLimit.Status.Detail);
        Assert.Contains("principal", noPrincipal.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, dpoResumes.StatusCode);
    }

    private static ActivitySample Sample(DateTimeOffset at, int calls, int appCalls, string[]? subjects = null) =>
        new(at, at.AddSeconds(1), calls, 0, 0, appCalls, [.. subjects ?? []], ["127.0.0.0/24"]);

    /// <summary>Polls the alerts until one matches.</summary>
    private Task<Alert> AlertAsync(Func<Alert, bool> match) =>
        Poll.UntilAsync(async () => (await AlertsAsync()).FirstOrDefault(match) ?? throw new InvalidOperationException("no such alert yet"), TimeSpan.FromSeconds(20));

    private async Task<List<Alert>> AlertsAsync()
    {
        var officer = new SecurityClient(platform.Channel(DevelopmentTokens.Mint(platform.Jwt, Officer, null, ["officer"], TimeSpan.FromMinutes(5))));
        return [.. (await officer.ListAlertsAsync(new ListAlertsRequest { Limit = 1000 })).Alerts];
    }

    private async Task<Custodian.Gateway.Protos.Security.PrincipalActivity> Activity(string principal)
    {
        var officer = new SecurityClient(platform.Channel(DevelopmentTokens.Mint(platform.Jwt, Officer, null, ["officer"], TimeSpan.FromMinutes(5))));
        return await officer.GetActivityAsync(new GetActivityRequest { Principal = principal });
    }

    /// <summary>A new staff principal with a read grant from <paramref name="cidr"/> on a new tenant holding one contact record.</summary>
    private async Task<(string Staff, Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient Reader, GetRecordRequest Read)> StaffReaderAsync(string cidr, string email)
    {
        var tenant = Platform.NewId("acme");
        var staff = Platform.NewId("staff");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact(email) });
        await IssueReadGrantAsync(staff, tenant, cidr);
        return (staff, platform.SubjectsAs(staff, null, "staff"), new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" });
    }

    private async Task IssueReadGrantAsync(string principal, string tenant, string cidr) =>
        await platform.Access(Officer, "officer").IssueGrantAsync(new IssueGrantRequest
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

    /// <summary>Counts <c>custodian.security.alerts</c> by rule while it lives.</summary>
    private sealed class AlertCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _counts = new();

        public AlertCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "custodian.security.alerts")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "rule" && tag.Value is string rule)
                    {
                        _counts.AddOrUpdate(rule, value, (_, n) => n + value);
                    }
                }
            });
            _listener.Start();
        }

        public long Of(string rule) => _counts.GetValueOrDefault(rule);

        public void Dispose() => _listener.Dispose();
    }
}
