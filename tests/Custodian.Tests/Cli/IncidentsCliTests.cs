using Custodian.Hosting;
using Custodian.Tests.Incidents;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Cli;

[Collection(IncidentsCollection.Name)]
public sealed class IncidentsCliTests(IncidentsPlatform platform)
{
    [Fact]
    public async Task OfficerTakesAnIncidentFromOpenToClosedOnTheCommandLine()
    {
        // Arrange
        var id = Platform.NewId("inc");
        var tenant = IncidentsPlatform.Globex;
        var officer = DevelopmentTokens.Mint(platform.Jwt, "officer-cli", null, ["officer"], TimeSpan.FromMinutes(5));
        Task<(int ExitCode, string Output, string Error)> Run(params string[] args) => CliRunner.RunAsync(CliRunner.Against(platform, officer, args));
        var aware = platform.Clock.GetUtcNow().AddHours(-2).ToString("O");

        // Act
        var open = await Run("incidents", "open", id, "--tenant", tenant, "--aware-at", aware, "--nature", "Support account credentials leaked", "--subjects", "40");
        var final = await Run("incidents", "notify", id, "--tenant", tenant, "--to", "authority", "--phase", "final");
        var first = await Run("incidents", "notify", id, "--tenant", tenant, "--to", "authority", "--phase", "first");
        var update = await Run("incidents", "update", id, "--tenant", tenant, "--subject-categories", "customers", "--record-categories", "contact details",
            "--records", "80", "--consequences", "Phishing possible", "--measures", "Password reset", "--contact", "DPO, dpo@provider.test", "--risk", "risk");
        var complete = await Run("incidents", "notify", id, "--tenant", tenant, "--to", "authority", "--phase", "final");
        var close = await Run("incidents", "close", id, "--tenant", tenant);
        var show = await Run("incidents", "show", id, "--tenant", tenant, "--json");
        var list = await Run("incidents", "list", "--tenant", tenant);
        var export = await Run("incidents", "export", "--format", "csv", "--tenant", tenant);

        // Assert
        Assert.Equal(0, open.ExitCode);
        Assert.Contains("Deadline:", open.Output);
        Assert.Equal(1, final.ExitCode);
        Assert.Contains("FailedPrecondition", final.Error);
        Assert.Contains("contact_point", final.Error);
        Assert.Equal((0, 0, 0, 0), (first.ExitCode, update.ExitCode, complete.ExitCode, close.ExitCode));
        Assert.Contains("Notice 1: authority, first", first.Output);
        Assert.Contains("nothing (Art. 33(3) complete)", update.Output);
        Assert.Contains("Notice 2: authority, final", complete.Output);
        Assert.Contains("Status:   closed", close.Output);
        Assert.Contains("\"INCIDENT_STATUS_CLOSED\"", show.Output);
        Assert.Contains(id, list.Output);
        Assert.Contains($"{tenant},{id},closed,", export.Output);
    }
}
