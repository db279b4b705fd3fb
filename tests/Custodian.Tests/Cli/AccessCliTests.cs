using Custodian.Gateway.Protos.Subjects;
using Custodian.Hosting;
using Custodian.Tests.Access;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;

namespace Custodian.Tests.Cli;

public sealed class AccessCliTests(AccessPlatform platform) : IClassFixture<AccessPlatform>
{
    [Fact]
    public async Task OfficerIssuesAGrantThatLetsStaffReadThenRevokesIt()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var staff = Platform.NewId("staff");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("cli.grant@example.org") });
        var officer = DevelopmentTokens.Mint(platform.Jwt, AccessPlatform.Officer, null, ["officer"], TimeSpan.FromMinutes(5));
        var staffToken = DevelopmentTokens.Mint(platform.Jwt, staff, null, ["staff"], TimeSpan.FromMinutes(5));
        var read = () => CliRunner.RunAsync(CliRunner.Against(platform, staffToken, "subjects", "get", "--tenant", tenant, "--subject", "s1", "--category", "contact"));
        var deniedBefore = await read();

        // Act
        var issue = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "access", "issue", "--principal", staff, "--tenant", tenant,
            "--subject", "s1", "--operation", "read", "--purpose", "support", "--justification", "ticket T-7", "--cidr", "127.0.0.0/8", "--ttl", "30m"));
        var grantId = issue.Output.Split('\n').Single(l => l.StartsWith("Grant:", StringComparison.Ordinal))["Grant:".Length..].Trim();
        var allowed = await read();
        var revoke = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "access", "revoke", grantId, "--reason", "done"));
        var deniedAfter = await read();
        var export = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "access", "export", "--principal", staff));

        // Assert
        Assert.Equal(1, deniedBefore.ExitCode);
        Assert.Contains("PermissionDenied", deniedBefore.Error);
        Assert.Equal((0, 0, 0), (issue.ExitCode, allowed.ExitCode, revoke.ExitCode));
        Assert.Contains("active", issue.Output);
        Assert.Contains("cli.grant@example.org", allowed.Output);
        Assert.Contains("revoked", revoke.Output);
        Assert.Equal(1, deniedAfter.ExitCode);
        Assert.Contains(",issued,", export.Output);
        Assert.Contains(",revoked,", export.Output);
    }

    [Fact]
    public async Task OfficerOpensAReviewAndConfirmsAGrantFromTheCommandLine()
    {
        var officer = DevelopmentTokens.Mint(platform.Jwt, AccessPlatform.Officer, null, ["officer"], TimeSpan.FromMinutes(5));
        var tenant = Platform.NewId("acme");
        var grant = await platform.IssueAsync(Platform.NewId("staff"), tenant, ["s1"], [Custodian.Gateway.Protos.Access.Operation.Read], "10.0.0.0/8",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));

        var open = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "access", "review", "open"));
        var decide = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "access", "review", "decide", grant.GrantId, "confirm", "--reason", "needed"));

        Assert.Equal((0, 0), (open.ExitCode, decide.ExitCode));
        Assert.Contains(grant.GrantId, open.Output);
        Assert.Contains("never", open.Output);
        Assert.Contains("confirmed", decide.Output);
    }

    [Fact]
    public async Task IssueWithABadNetworkNamesTheField()
    {
        var officer = DevelopmentTokens.Mint(platform.Jwt, AccessPlatform.Officer, null, ["officer"], TimeSpan.FromMinutes(5));

        var issue = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "access", "issue", "--principal", "p", "--tenant", "acme",
            "--operation", "read", "--purpose", "x", "--justification", "y", "--cidr", "0.0.0.0/0"));

        Assert.Equal(1, issue.ExitCode);
        Assert.Contains("InvalidArgument", issue.Error);
        Assert.Contains("cidrs:", issue.Error);
    }
}
