using Custodian.Cli;

namespace Custodian.Tests.Infrastructure;

/// <summary>Runs the <c>custodian</c> CLI in-process against a platform and captures what it prints.</summary>
public static class CliRunner
{
    /// <summary><paramref name="args"/> plus the options that point the CLI at <paramref name="platform"/>'s gateway with <paramref name="token"/>.</summary>
    public static string[] Against(Platform platform, string token, params string[] args) =>
        [.. args, "--endpoint", $"https://127.0.0.1:{platform.GatewayPort}", "--token", token, "--trust-cert", Path.Combine(platform.SecretsFolder, "gateway.crt")];

    /// <summary>Runs one command line; returns its exit code and what it wrote to output and error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CustodianCli.InvokeAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
