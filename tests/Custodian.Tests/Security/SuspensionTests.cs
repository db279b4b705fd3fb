using Custodian.Gateway.Protos.Security;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Hosting;
using Custodian.Incidents;
using Custodian.Security;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using Xunit.Abstractions;
using SecurityClient = Custodian.Gateway.Protos.Security.SecurityReports.SecurityReportsClient;

namespace Custodian.Tests.Security;

/// <summary>The volume rule suspends a principal, staff or client application, until an officer lifts the suspension.</summary>
[Collection(SecurityCollection.Name)]
public sealed class SuspensionTests(SecurityPlatform platform, ITestOutputHelper output)
{
    [Fact]
    public async Task ABurstOfReadsFiresTheVolumeRuleWithinOnePeriodAndTheNextReadIsDenied()
    {
        // Arrange: a staff member with a read grant on a tenant with one record
        var (staff, reader, read) = await platform.StaffReaderAsync("127.0.0.0/8", "burst@example.org");
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

        var alert = await platform.AlertAsync(a => a.Principal == staff && a.Rule == "volume");
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
        var (staff, reader, read) = await platform.StaffReaderAsync("127.0.0.0/8", "lift@example.org");
        for (var i = 0; i <= SecurityPlatform.VolumePerMinute; i++)
        {
            await reader.GetRecordAsync(read);
        }

        await platform.AlertAsync(a => a.Principal == staff && a.Suspended);
        var officer = DevelopmentTokens.Mint(platform.Jwt, SecurityPlatform.Officer, null, ["officer"], TimeSpan.FromMinutes(5));

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
        Assert.Contains(await platform.AuditEntriesOfAsync(SecurityPlatform.Officer), e => e.Record.Action.EndsWith("/ResumePrincipal", StringComparison.Ordinal) && e.Record.Outcome == "done");
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

        var alert = await platform.AlertAsync(a => a.Principal == app && a.Suspended);
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await reader.GetRecordAsync(read));
        await new SecurityClient(platform.Channel(DevelopmentTokens.Mint(platform.Jwt, SecurityPlatform.Officer, null, ["officer"], TimeSpan.FromMinutes(5))))
            .ResumePrincipalAsync(new ResumePrincipalRequest { Principal = app, Reason = "key rotated at the customer" });
        var again = await reader.GetRecordAsync(read);

        // Assert
        Assert.Equal("volume", alert.Rule);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal("app-burst@example.org", again.Record.Fields["email"]);
        Assert.Contains(await platform.AuditEntriesOfAsync(app), e => e.Record.Outcome == "denied:suspended" && e.Record.Action.StartsWith("Read:", StringComparison.Ordinal));
    }
}
