using Custodian.Tests.Backups;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Cli;

public sealed class KeysAndBackupCliTests(BackupPlatform platform) : IClassFixture<BackupPlatform>
{
    [Fact]
    public async Task TheTenantsAppShredsASubjectAndAnOfficerReadsTheReceipt()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var officer = platform.Token(null, "officer");
        var app = platform.Token(tenant, "app");
        await RunAsync(Connect(app, "subjects", "put", "--tenant", tenant, "--subject", "s1", "--category", "contact",
            "--purpose", "p", "--legal-basis", "contract", "--field", "email=cli@example.org"));

        // Act
        var shred = await RunAsync(Connect(app, "keys", "shred", "--tenant", tenant, "--subject", "s1", "--reason", "CLI test"));
        var receiptId = shred.Output.Trim().Split(' ')[^1];
        var receipt = await RunAsync(Connect(officer, "keys", "receipt", receiptId));
        var get = await RunAsync(Connect(app, "subjects", "get", "--tenant", tenant, "--subject", "s1", "--category", "contact", "--purpose", "support"));

        // Assert
        Assert.Equal((0, 0, 0), (shred.ExitCode, receipt.ExitCode, get.ExitCode));
        Assert.Contains($"Subject s1 of tenant {tenant} erased at", shred.Output);
        Assert.Contains($"datasubject/{tenant}/s1", receipt.Output);
        Assert.Contains("CLI test", receipt.Output);
        Assert.Contains("Stores cleared:", receipt.Output);
        Assert.Contains($"Subject s1 was erased at", get.Output);
        Assert.DoesNotContain("cli@example.org", get.Output);
    }

    [Fact]
    public async Task AnOperatorWithoutAnEraseGrantMayNotShred()
    {
        var result = await RunAsync(Connect(platform.Token(null, "operator"), "keys", "shred", "--tenant", "acme", "--subject", "s1", "--reason", "x"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("PermissionDenied", result.Error);
    }

    [Fact]
    public async Task KeysStatusShowsTheCurrentKeyEncryptionKey()
    {
        var result = await RunAsync(Connect(platform.Token(null, "operator"), "keys", "status"));
        var json = await RunAsync(Connect(platform.Token(null, "operator"), "keys", "status", "--json"));

        Assert.Equal((0, 0), (result.ExitCode, json.ExitCode));
        Assert.Contains("local/eu-west/1", result.Output);
        Assert.Contains("\"phase\": \"ROTATION_PHASE_IDLE\"", json.Output);
        Assert.Contains("\"remaining\": \"0\"", json.Output);
    }

    [Fact]
    public async Task BackupRunWaitsForTheManifestAndListShowsIt()
    {
        // Act
        var run = await RunAsync(Connect(platform.Token(null, "operator"), "backup", "run", "--wait"));
        var backupId = run.Output.Split('\n').Single(l => l.StartsWith("Backup:", StringComparison.Ordinal))["Backup:".Length..].Trim();
        var list = await RunAsync(Connect(platform.Token(null, "operator"), "backup", "list"));

        // Assert
        Assert.Equal((0, 0), (run.ExitCode, list.ExitCode));
        Assert.Contains("succeeded", run.Output);
        Assert.Contains(backupId, list.Output);
    }

    [Fact]
    public async Task RestoreIntoAnUnknownTargetFailsWithItsCode()
    {
        var operatorToken = platform.Token(null, "operator");
        var run = await RunAsync(Connect(operatorToken, "backup", "run", "--wait"));
        var backupId = run.Output.Split('\n').Single(l => l.StartsWith("Backup:", StringComparison.Ordinal))["Backup:".Length..].Trim();

        var restore = await RunAsync(Connect(operatorToken, "backup", "restore", "--backup", backupId, "--target", "nowhere", "--wait"));

        Assert.Equal(1, restore.ExitCode);
        Assert.Contains("restore failed (target-unknown): No restore target of that name is configured", restore.Error);
    }

    private string[] Connect(string token, params string[] args) => CliRunner.Against(platform, token, args);

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(args);
}
