using Custodian.Gateway.Protos.Security;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Hosting;
using Custodian.Security;
using Custodian.Tests.Infrastructure;
using Grpc.Core;
using SecurityClient = Custodian.Gateway.Protos.Security.SecurityReports.SecurityReportsClient;

namespace Custodian.Tests.Security;

/// <summary>The security rules' alerts (denials, new networks, baselines, working hours, bulk exports) and who may read them.</summary>
[Collection(SecurityCollection.Name)]
public sealed class SecurityReportTests(SecurityPlatform platform)
{
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
        var alert = await platform.AlertAsync(a => a.Principal == stranger && a.Rule == "repeated-denials");
        Assert.False(alert.Suspended);
        Assert.Equal("", alert.IncidentId);
        Assert.Contains($"{SecurityPlatform.DenialsCount} denied calls", alert.Detail);
    }

    [Fact]
    public async Task ACallFromANewNetworkRaisesAnAlertOnceThePrincipalHasAHistory()
    {
        // Arrange: a grant for 10.0.0.0/8; the first calls come from one network in it
        var (staff, reader, read) = await platform.StaffReaderAsync("10.0.0.0/8", "net@example.org");
        await reader.GetRecordAsync(read, new Metadata { { "X-Forwarded-For", "10.1.1.1" } });
        await Poll.UntilAsync(async () => (await Activity(staff)).KnownNetworks == 1 ? true : throw new InvalidOperationException("the first network is not known yet"), TimeSpan.FromSeconds(20));
        await reader.GetRecordAsync(read, new Metadata { { "X-Forwarded-For", "10.1.1.2" } }); // same /24

        // Act
        await reader.GetRecordAsync(read, new Metadata { { "X-Forwarded-For", "10.7.7.7" } });

        // Assert
        var alert = await platform.AlertAsync(a => a.Principal == staff && a.Rule == "new-network");
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

    private async Task<Custodian.Gateway.Protos.Security.PrincipalActivity> Activity(string principal)
    {
        var officer = new SecurityClient(platform.Channel(DevelopmentTokens.Mint(platform.Jwt, SecurityPlatform.Officer, null, ["officer"], TimeSpan.FromMinutes(5))));
        return await officer.GetActivityAsync(new GetActivityRequest { Principal = principal });
    }
}
