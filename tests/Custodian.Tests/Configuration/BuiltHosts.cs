using Custodian.Gateway;
using Custodian.Hosting;
using Custodian.Silo;
using Custodian.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Custodian.Tests.Configuration;

/// <summary>
/// A silo and a gateway built from minimal settings but never started (nothing is listened on or
/// written), with the service collections they were built from, to inspect what each binds. Tests
/// name a host <see cref="Silo"/> or <see cref="Gateway"/>.
/// </summary>
public sealed class BuiltHosts : IAsyncLifetime
{
    /// <summary>The silo's name in tests.</summary>
    public const string Silo = "silo";

    /// <summary>The gateway's name in tests.</summary>
    public const string Gateway = "gateway";

    private readonly string _folder = Directory.CreateTempSubdirectory("custodian-config-").FullName;
    private readonly Dictionary<string, (WebApplication App, IServiceCollection Services)> _hosts = [];

    public Task InitializeAsync()
    {
        foreach (var host in new[] { Silo, Gateway })
        {
            _hosts[host] = Build(host, Settings(host));
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var (app, _) in _hosts.Values)
        {
            await app.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The built host.</summary>
    public WebApplication App(string host) => _hosts[host].App;

    /// <summary>The service collection the host was built from.</summary>
    public IServiceCollection Services(string host) => _hosts[host].Services;

    /// <summary>Builds the silo or the gateway from <paramref name="settings"/>, keeping its service collection.</summary>
    public static (WebApplication App, IServiceCollection Services) Build(string host, Dictionary<string, string?> settings)
    {
        IServiceCollection services = null!;
        void Configure(ConfigurationManager configuration, Microsoft.Extensions.Logging.ILoggingBuilder logging)
        {
            configuration.AddInMemoryCollection(settings);
            services = logging.Services; // the logging builder's collection is the host's services
        }

        var app = host == Silo ? SiloApp.Build([], Configure) : GatewayApp.Build([], Configure);
        return (app, services);
    }

    /// <summary>What the host needs to be built, development keys and certificates created in a folder of this fixture.</summary>
    public Dictionary<string, string?> Settings(string host)
    {
        var settings = new Dictionary<string, string?>(DevelopmentSecrets.In(_folder))
        {
            // Parsed when the host is built, never connected to: nothing starts.
            ["ConnectionStrings:Storage"] = "UseDevelopmentStorage=true",
        };
        foreach (var (key, value) in TestPlacement.Settings("UseDevelopmentStorage=true", "UseDevelopmentStorage=true", Path.Combine(_folder, "eu-north.kek.json")))
        {
            settings[key] = value;
        }

        if (host == Silo)
        {
            settings["Silo:Region"] = "eu-west";
            settings["SecureStorage:KeyFile"] = Path.Combine(_folder, "eu-west.kek.json");
            settings["SecureStorage:CreateKeyFileIfMissing"] = "true";
            settings["AdminTls:Certificate:Path"] = Path.Combine(_folder, "admin.pfx");
            settings["AdminTls:Certificate:CreateIfMissing"] = "true";
        }
        else
        {
            settings["Gateway:Region"] = "eu-west";
            settings["Tls:Certificate:Path"] = Path.Combine(_folder, "gateway.pfx");
            settings["Tls:Certificate:CreateIfMissing"] = "true";
        }

        return settings;
    }

    /// <summary>The digest of the host's settings with <paramref name="key"/> set to <paramref name="value"/>, over the sections the host binds.</summary>
    public string DigestWith(string host, string key, string value)
    {
        var settings = Settings(host);
        settings[key] = value;
        return new ConfigurationDigest(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(),
            App(host).Services.GetRequiredService<BoundSections>()).Value();
    }
}
