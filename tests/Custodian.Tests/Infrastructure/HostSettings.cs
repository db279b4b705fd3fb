namespace Custodian.Tests.Infrastructure;

/// <summary>
/// The configuration of the test platforms' silos and gateways, in-process or child processes: logging, the
/// development secrets of one folder (<see cref="DevelopmentSecrets"/>), a region's storage account, ports, key
/// file and mail relay. A platform adds placement and the pair's and witness's accounts.
/// </summary>
public static class HostSettings
{
    /// <summary>The sender the silos put on every mail (<c>Mail:From</c>).</summary>
    public const string MailFrom = "custodian@relay.test";

    /// <summary>What every host has: logging, the secrets in <paramref name="secretsFolder"/>, the region's account.</summary>
    public static Dictionary<string, string?> Common(string secretsFolder, string storage) => new(DevelopmentSecrets.In(secretsFolder))
    {
        ["Logging:LogLevel:Default"] = "Debug",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
        ["Logging:LogLevel:Orleans"] = "Information",
        ["Logging:Console:LogLevel:Default"] = "Warning",
        ["Logging:Console:LogLevel:Custodian.Silo.Storage"] = "None", // the tamper tests provoke thousands of refusals
        ["ConnectionStrings:Storage"] = storage,
    };

    /// <summary>
    /// A silo of <paramref name="region"/> on <paramref name="ports"/>, writing to <paramref name="storage"/> with the
    /// region's key file (<c>&lt;region&gt;.kek.json</c>, created when missing) and delivering mail to 127.0.0.1:<paramref name="mailPort"/>.
    /// </summary>
    public static Dictionary<string, string?> Silo(string secretsFolder, string region, string storage, SiloPorts ports, int mailPort)
    {
        var settings = Common(secretsFolder, storage);
        settings["Silo:Region"] = region;
        settings["Silo:SiloPort"] = $"{ports.Silo}";
        settings["Silo:GatewayPort"] = $"{ports.Gateway}";
        settings["Silo:AdminPort"] = $"{ports.Admin}";
        settings["SecureStorage:KeyFile"] = KeyFile(secretsFolder, region);
        settings["SecureStorage:CreateKeyFileIfMissing"] = "true";
        settings["AdminTls:Certificate:Path"] = Path.Combine(secretsFolder, "admin.pfx");
        settings["AdminTls:Certificate:CreateIfMissing"] = "true";
        settings["Mail:Host"] = "127.0.0.1";
        settings["Mail:Port"] = $"{mailPort}";
        settings["Mail:From"] = MailFrom;
        settings["Mail:Timeout"] = "00:00:05";
        // Retries come quickly in tests: 200 ms after the first failure, doubling up to 2 s.
        settings["Mail:InitialRetryDelay"] = "00:00:00.200";
        settings["Mail:MaxRetryDelay"] = "00:00:02";
        return settings;
    }

    /// <summary>A gateway of <paramref name="region"/> on 127.0.0.1:<paramref name="port"/>, its cluster's membership in <paramref name="storage"/>.</summary>
    public static Dictionary<string, string?> Gateway(string secretsFolder, string region, string storage, int port)
    {
        var settings = Common(secretsFolder, storage);
        settings["Gateway:Region"] = region;
        settings["Gateway:Port"] = $"{port}";
        settings["Tls:Certificate:Path"] = Path.Combine(secretsFolder, "gateway.pfx");
        settings["Tls:Certificate:CreateIfMissing"] = "true";
        return settings;
    }

    /// <summary>The key file of <paramref name="region"/> in <paramref name="secretsFolder"/>.</summary>
    public static string KeyFile(string secretsFolder, string region) => Path.Combine(secretsFolder, region + ".kek.json");

    /// <summary><paramref name="extra"/> set over <paramref name="settings"/> (later values win).</summary>
    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, IEnumerable<KeyValuePair<string, string?>> extra)
    {
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
