using System.CommandLine;
using System.CommandLine.Parsing;
using Custodian.Hosting;

namespace Custodian.Cli;

/// <summary><c>custodian token mint</c>: development tokens signed with the local key.</summary>
internal static class TokenCommands
{
    private static readonly string[] _roles = ["app", "operator", "officer", "dpo", "staff"];

    public static Command Create(TextWriter output, TextWriter error) => new("token", "Development tokens for calling the gateway.")
    {
        Mint(output, error),
    };

    private static Command Mint(TextWriter output, TextWriter error)
    {
        var role = new Option<string[]>("--role")
        {
            Description = "A role of the caller; repeat for several.",
            Required = true,
            HelpName = string.Join('|', _roles),
        };
        role.AcceptOnlyFromAmong(_roles);
        var principal = new Option<string?>("--principal") { Description = "The caller's id (sub); default dev-<first role>." };
        var tenant = new Option<string?>("--tenant") { Description = "The tenant an app acts for." };
        var ttl = new Option<TimeSpan?>("--ttl")
        {
            Description = $"How long the token is valid: 30m, 1h, 8h; at most {Ttl.Maximum.TotalHours:0}h. [default: 1h]",
            CustomParser = ParseTtl,
        };
        var signingKeyFile = new Option<string>("--signing-key-file")
        {
            Description = "The file holding the base64 signing key the gateway trusts.",
            DefaultValueFactory = _ => Path.Combine(".custodian", "jwt-signing.key"),
        };
        var issuer = new Option<string>("--issuer") { Description = "The iss claim.", DefaultValueFactory = _ => TokenDefaults.Issuer };
        var audience = new Option<string?>("--audience") { Description = $"The aud claim. [default: {TokenDefaults.Audience}, or {TokenDefaults.DashboardAudience} with --dashboard]" };
        var dashboard = new Option<bool>("--dashboard") { Description = "A token for the Orleans dashboard's login (its own audience), which the gateway refuses." };

        var command = new Command("mint", "Mints a token signed with the local development key and prints only the token.")
        {
            principal, tenant, role, ttl, signingKeyFile, issuer, audience, dashboard,
        };
        command.SetAction((parseResult, _) => CommandErrors.RunAsync(error, async () =>
        {
            var roles = parseResult.GetRequiredValue(role);
            var keyFile = parseResult.GetRequiredValue(signingKeyFile);
            if (!File.Exists(keyFile))
            {
                throw new UsageException($"the signing key file does not exist: {Path.GetFullPath(keyFile)} (the local platform creates it on first start; or pass --signing-key-file)");
            }

            var signing = new KeyFileSigning(
                parseResult.GetRequiredValue(issuer),
                parseResult.GetValue(audience) ?? (parseResult.GetValue(dashboard) ? TokenDefaults.DashboardAudience : TokenDefaults.Audience),
                keyFile);
            string token;
            try
            {
                token = DevelopmentTokens.Mint(
                    signing,
                    parseResult.GetValue(principal) ?? $"dev-{roles[0]}",
                    parseResult.GetValue(tenant),
                    roles,
                    parseResult.GetValue(ttl) ?? Ttl.Default);
            }
            catch (InvalidOperationException e)
            {
                // SigningKeys' way of saying the key file is unusable (not base64, too short).
                throw new UsageException(e.Message);
            }

            await output.WriteLineAsync(token);
        }));
        return command;
    }

    private static TimeSpan? ParseTtl(ArgumentResult result)
    {
        if (Ttl.TryParse(result.Tokens[0].Value, out var lifetime, out var message))
        {
            return lifetime;
        }

        result.AddError(message);
        return null;
    }
}
