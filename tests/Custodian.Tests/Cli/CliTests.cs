using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Cli;

[Collection(PlatformCollection.Name)]
public sealed class CliTests(Platform platform)
{
    [Fact]
    public async Task MintedTokenPutsGetsAndListsARecordThroughTheGateway()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        var email = $"cli.{Guid.NewGuid():N}@example.org";
        var mint = await RunAsync("token", "mint", "--role", "app", "--tenant", tenant, "--signing-key-file", Path.Combine(platform.SecretsFolder, "jwt.key"));
        var token = mint.Output.Trim();

        // Act
        var put = await RunAsync(Connect(token, "subjects", "put", "--tenant", tenant, "--subject", subject, "--category", "contact",
            "--purpose", "Account management", "--legal-basis", "contract", "--field", $"email={email}", "--field", "name=Jane Example"));
        var get = await RunAsync(Connect(token, "subjects", "get", "--tenant", tenant, "--subject", subject, "--category", "contact", "--purpose", "support"));
        var list = await RunAsync(Connect(token, "subjects", "list", "--tenant", tenant, "--subject", subject, "--purpose", "support"));

        // Assert
        Assert.Equal((0, 0, 0, 0), (mint.ExitCode, put.ExitCode, get.ExitCode, list.ExitCode));
        Assert.Equal(3, token.Split('.').Length);
        Assert.Contains($"Stored category contact of subject {subject}", put.Output);
        Assert.Contains(email, get.Output);
        Assert.Contains("Jane Example", get.Output);
        Assert.Contains("contact", list.Output);
        Assert.DoesNotContain(email, list.Output);
    }

    [Fact]
    public async Task RejectedInputPrintsTheStatusAndEachOffendingField()
    {
        var token = platform.Token("acme-cli", "app");

        var result = await RunAsync(Connect(token, "subjects", "put", "--tenant", "acme-cli", "--subject", "jane@example.org", "--category", "contact",
            "--purpose", "p", "--legal-basis", "contract", "--field", "a=b"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: InvalidArgument", result.Error);
        Assert.Contains("subject_id:", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task AnotherTenantIsPermissionDeniedAndPlainHttpIsRefusedBeforeAnyCall()
    {
        var token = platform.Token("acme-cli", "app");

        var denied = await RunAsync(Connect(token, "subjects", "list", "--tenant", "someone-else", "--subject", "s1", "--purpose", "support"));
        var plain = await RunAsync("subjects", "list", "--tenant", "acme-cli", "--subject", "s1", "--purpose", "support", "--token", token, "--endpoint", $"http://127.0.0.1:{platform.GatewayPort}");

        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("PermissionDenied", denied.Error);
        Assert.Equal(2, plain.ExitCode);
        Assert.Contains("not https", plain.Error);
    }

    private string[] Connect(string token, params string[] args) => CliRunner.Against(platform, token, args);

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(args);
}
