using Custodian.Hosting;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Requests;

namespace Custodian.Tests.Cli;

[Collection(RequestsCollection.Name)]
public sealed class RequestsCliTests(RequestsPlatform platform)
{
    [Fact]
    public async Task OfficerTakesAFiledRequestFromListToClosedOnTheCommandLine()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var app = DevelopmentTokens.Mint(platform.Jwt, "app-" + tenant, tenant, ["app"], TimeSpan.FromMinutes(5));
        var officer = DevelopmentTokens.Mint(platform.Jwt, RequestsPlatform.Officer, null, ["officer"], TimeSpan.FromMinutes(5));
        Task<(int ExitCode, string Output, string Error)> Run(string token, params string[] args) => CliRunner.RunAsync(CliRunner.Against(platform, token, args));

        // Act
        var file = await Run(app, "requests", "file", "--tenant", tenant, "--subject", "s1", "--kind", "erasure", "--channel", "api");
        var id = file.Output.Split('\n').Single(l => l.StartsWith("Request:", StringComparison.Ordinal))["Request:".Length..].Trim();
        var list = await Run(officer, "requests", "list", "--tenant", tenant);
        var fulfilTooEarly = await Run(officer, "requests", "close", id, "--tenant", tenant, "--outcome", "fulfilled");
        var verify = await Run(officer, "requests", "verify", id, "--tenant", tenant);
        var pause = await Run(officer, "requests", "pause", id, "--tenant", tenant);
        var resume = await Run(officer, "requests", "resume", id, "--tenant", tenant);
        var extend = await Run(officer, "requests", "extend", id, "--tenant", tenant, "--months", "1", "--reasons", "data in three systems");
        var noMonths = await Run(officer, "requests", "extend", id, "--tenant", tenant, "--months", "3", "--reasons", "x");
        var notErasedYet = await Run(officer, "requests", "close", id, "--tenant", tenant, "--outcome", "fulfilled");
        var erase = await Run(app, "subjects", "erase", "--tenant", tenant, "--subject", "s1", "--reason", id);
        var close = await Run(officer, "requests", "close", id, "--tenant", tenant, "--outcome", "fulfilled");
        var show = await Run(officer, "requests", "show", id, "--tenant", tenant, "--json");
        var overdue = await Run(officer, "requests", "list", "--tenant", tenant, "--which", "overdue");

        // Assert
        Assert.Equal(0, file.ExitCode);
        Assert.Contains("erasure", file.Output);
        Assert.Contains(id, list.Output);
        Assert.Contains("1 request(s)", list.Output);
        Assert.Equal(1, fulfilTooEarly.ExitCode);
        Assert.Contains("FailedPrecondition", fulfilTooEarly.Error);
        Assert.Equal((0, 0, 0, 0, 0), (verify.ExitCode, pause.ExitCode, resume.ExitCode, extend.ExitCode, close.ExitCode));
        Assert.Contains("verified", verify.Output);
        Assert.Contains("paused", pause.Output);
        Assert.Contains("1 month(s)", extend.Output);
        Assert.Equal(1, noMonths.ExitCode);
        Assert.Contains("months", noMonths.Error);
        Assert.Equal(1, notErasedYet.ExitCode);
        Assert.Contains("not erased", notErasedYet.Error);
        Assert.Equal(0, erase.ExitCode);
        Assert.Contains("closed", close.Output);
        Assert.Contains("\"REQUEST_STATUS_CLOSED\"", show.Output);
        Assert.Contains("0 request(s)", overdue.Output);
    }
}
