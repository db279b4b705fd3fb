using System.Security.Cryptography.X509Certificates;
using Custodian.Gateway;
using Custodian.Hosting;
using Custodian.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// The whole platform on 127.0.0.1: a real Azurite per region (<c>eu-west</c> and its pair <c>eu-north</c>)
/// and one for the witness, one silo of region <c>eu-west</c>, the
/// gateway and an SMTP relay the silo delivers mail to, with real TLS certificates, a real key file and a real JWT signing key, all created
/// fresh in a temp folder for this fixture. The silo runs in-process; <see cref="ProcessSiloPlatform"/>
/// runs it as a child process that can be killed, and <see cref="InProcessCluster"/> adds a cluster of
/// several silos over the same Azurite and keys.
/// </summary>
public partial class Platform : IAsyncLifetime
{
    public const string Region = "eu-west";
    private readonly bool _ownsAzurite;
    private readonly bool _ownsSecrets;
    private readonly int _siloPort = FreePorts.Next();
    private WebApplication? _silo;
    private WebApplication? _gateway;

    public Platform()
        : this(null, null)
    {
    }

    /// <summary>A platform on an existing Azurite and/or with existing keys and certificates (e.g. after a restore).</summary>
    protected Platform(AzuriteServer? azurite, string? secretsFolder)
    {
        Azurite = azurite!;
        _ownsAzurite = azurite is null;
        _ownsSecrets = secretsFolder is null;
        SecretsFolder = secretsFolder ?? Directory.CreateTempSubdirectory("custodian-secrets-").FullName;
    }

    public AzuriteServer Azurite { get; private set; }

    /// <summary>The pair region's (eu-north's) storage account, where every write is replicated.</summary>
    public AzuriteServer PairAzurite { get; private set; } = null!;

    /// <summary>The witness's storage account: placements and leases.</summary>
    public AzuriteServer WitnessAzurite { get; private set; } = null!;

    /// <summary>The pair region of <see cref="Region"/>.</summary>
    public const string PairRegion = "eu-north";

    /// <summary>The pair region's key file (this region wraps every data key for it too).</summary>
    public string PairKeyFile => HostSettings.KeyFile(SecretsFolder, PairRegion);

    /// <summary>The SMTP relay the silo delivers mail to (<c>Mail:Host</c>/<c>Mail:Port</c>); it keeps every message it receives.</summary>
    public SmtpRelay Mail { get; private set; } = null!;

    /// <summary>The sender the silo puts on every mail (<c>Mail:From</c>).</summary>
    public const string MailFrom = HostSettings.MailFrom;

    /// <summary>The folder of this platform's generated keys and certificates (gateway.crt, jwt.key, eu-west.kek.json, …).</summary>
    public string SecretsFolder { get; }

    /// <summary>Every log line of the silo and the gateway, at every level (in-process silo only for the silo's).</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>The silo's Orleans gateway port (client-to-silo traffic).</summary>
    public int SiloGatewayPort { get; } = FreePorts.Next();

    public int AdminPort { get; } = FreePorts.Next();

    public int GatewayPort { get; } = FreePorts.Next();

    public JwtOptions Jwt => new() { SigningKeyFile = Path.Combine(SecretsFolder, "jwt.key") };

    /// <summary>Token options for the dashboard: the same key, the dashboard's own audience.</summary>
    public JwtOptions DashboardJwt => new() { SigningKeyFile = Path.Combine(SecretsFolder, "jwt.key"), Audience = new JwtOptions().DashboardAudience };

    public string KeyFile => HostSettings.KeyFile(SecretsFolder, Region);

    /// <summary>The platform's audit keys (subject hashes, summary signatures), as silo and gateway load them.</summary>
    public AuditKeys AuditKeys => AuditKeys.Load(new AuditOptions { KeyFile = Path.Combine(SecretsFolder, "audit.key") });

    public X509Certificate2 GatewayCertificate { get; private set; } = null!;

    public X509Certificate2 AdminCertificate { get; private set; } = null!;

    /// <summary>The cluster's certificate, with its private key (what silos and the gateway present).</summary>
    public X509Certificate2 ClusterCertificate { get; private set; } = null!;

    /// <summary>The grain factory of the running in-process silo (for test set-up such as forcing deactivation).</summary>
    public IGrainFactory SiloGrains => SiloServices.GetRequiredService<IGrainFactory>();

    /// <summary>The gateway's Orleans client: grain calls that work whether the silo runs in-process or as a child process.</summary>
    public IClusterClient GatewayCluster => (_gateway ?? throw new InvalidOperationException("The gateway is not running.")).Services.GetRequiredService<IClusterClient>();

    /// <summary>The services of the running gateway (its endpoints, options and the like).</summary>
    public IServiceProvider GatewayServices => (_gateway ?? throw new InvalidOperationException("The gateway is not running.")).Services;

    /// <summary>The services of the running in-process silo.</summary>
    public IServiceProvider SiloServices => (_silo ?? throw new InvalidOperationException("The silo does not run in-process.")).Services;

    public virtual Task InitializeAsync() => FixtureStart.OrDisposeAsync(StartAsync, DisposeAsync);

    private async Task StartAsync()
    {
        var own = _ownsAzurite ? AzuriteServer.StartAsync() : Task.FromResult(Azurite);
        var pair = StartPairAzuriteAsync();
        var witness = AzuriteServer.StartAsync();
        var mail = SmtpRelay.StartAsync();
        try
        {
            await Task.WhenAll(own, pair, witness, mail);
        }
        finally
        {
            // Whatever started is kept, so that a failed start still stops it.
            Azurite = own.IsCompletedSuccessfully ? own.Result : Azurite;
            PairAzurite = pair.IsCompletedSuccessfully ? pair.Result : PairAzurite;
            WitnessAzurite = witness.IsCompletedSuccessfully ? witness.Result : WitnessAzurite;
            Mail = mail.IsCompletedSuccessfully ? mail.Result : Mail;
        }

        await StartSiloAsync();
        _gateway = GatewayApp.Build([], (c, l) =>
        {
            c.AddInMemoryCollection(GatewaySettings());
            l.AddProvider(Logs);
        });
        await _gateway.StartAsync();
        GatewayCertificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(SecretsFolder, "gateway.crt"));
        AdminCertificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(SecretsFolder, "admin.crt"));
        ClusterCertificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(SecretsFolder, "cluster.pfx"), "");
    }

    public virtual async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
            _gateway = null;
        }

        await StopSiloAsync();
        if (Mail is not null)
        {
            await Mail.DisposeAsync();
        }

        if (_ownsAzurite && Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }

        foreach (var other in new[] { PairAzurite, WitnessAzurite })
        {
            if (other is not null)
            {
                await other.DisposeAsync();
            }
        }

        if (_ownsSecrets && Directory.Exists(SecretsFolder))
        {
            Directory.Delete(SecretsFolder, recursive: true);
        }
    }

    /// <summary>Stops the silo and starts a new one with the same storage, keys and ports.</summary>
    public async Task RestartSiloAsync()
    {
        await StopSiloAsync();
        await StartSiloAsync();
    }

    /// <summary>Every audit entry of <paramref name="actor"/> in this region's partitions, oldest first.</summary>
    public Task<List<Custodian.Audit.AuditEntry>> AuditEntriesOfAsync(string actor) => AuditEntriesAsync(new Custodian.Audit.AuditQuery(Actor: actor));

    /// <summary>Every audit entry matching <paramref name="query"/> in this region's partitions, oldest first.</summary>
    public async Task<List<Custodian.Audit.AuditEntry>> AuditEntriesAsync(Custodian.Audit.AuditQuery query) =>
        [.. (await Trail.ReadAllAsync(query)).Select(e => e.Entry)];

    /// <summary>The region's audit trail as the Audit service reads it: all four partitions.</summary>
    public Custodian.Audit.AuditReader Trail => new(SiloGrains, Region, 4);

    /// <summary>Starts the silo; the default runs it in-process.</summary>
    protected virtual async Task StartSiloAsync()
    {
        _silo = SiloApp.Build([], (c, l) =>
        {
            c.AddInMemoryCollection(SiloSettings());
            l.AddProvider(Logs);
            ConfigureSiloServices(l.Services); // the logging builder's collection is the silo's services
        });
        await _silo.StartAsync();
    }

    /// <summary>Stops the silo gracefully.</summary>
    protected virtual async Task StopSiloAsync()
    {
        if (_silo is not null)
        {
            await _silo.StopAsync();
            await _silo.DisposeAsync();
            _silo = null;
        }
    }

    /// <summary>Starts the pair region's Azurite; a platform may put it behind a proxy it can cut.</summary>
    protected virtual Task<AzuriteServer> StartPairAzuriteAsync() => AzuriteServer.StartAsync();

    /// <summary>The witness's connection string as the silo uses it (a platform may route it through a proxy).</summary>
    protected virtual string WitnessConnectionString => WitnessAzurite.ConnectionString;

    /// <summary>The pair's connection string as the silo uses it (a platform may route it through a proxy).</summary>
    protected virtual string PairConnectionString => PairAzurite.ConnectionString;

    /// <summary>Services a platform adds to an in-process silo before the silo's own (which then keep them), e.g. a fake clock.</summary>
    protected virtual void ConfigureSiloServices(IServiceCollection services)
    {
    }

    /// <summary>Settings a platform adds to, or overrides in, the silo's configuration.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() => [];

    /// <summary>Settings a platform adds to, or overrides in, the gateway's configuration.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraGatewaySettings() => [];

    /// <summary>The silo's whole configuration.</summary>
    public Dictionary<string, string?> SiloSettings() =>
        HostSettings.Silo(SecretsFolder, Region, Azurite.ConnectionString, new(_siloPort, SiloGatewayPort, AdminPort), Mail.Port)
            .With(PlacementSettings())
            .With(ExtraSiloSettings());

    /// <summary>
    /// The settings of a second silo host beside this platform's, of <paramref name="region"/>, on its own ports,
    /// writing to <paramref name="own"/> and replicating to <paramref name="pair"/>, with the region's key files in
    /// this platform's secrets folder (<c>&lt;region&gt;.kek.json</c>) and the same witness and secrets.
    /// </summary>
    public Dictionary<string, string?> SiloSettingsOf(string region, AzuriteServer own, string pairRegion, AzuriteServer pair) =>
        SiloSettings().With(
        [
            new("Silo:Region", region),
            new("Silo:SiloPort", $"{FreePorts.Next()}"),
            new("Silo:GatewayPort", $"{FreePorts.Next()}"),
            new("Silo:AdminPort", $"{FreePorts.Next()}"),
            new("ConnectionStrings:Storage", own.ConnectionString),
            new("ConnectionStrings:PairStorage", pair.ConnectionString),
            new("SecureStorage:KeyFile", HostSettings.KeyFile(SecretsFolder, region)),
            new("SecureStorage:PairKeyFile", HostSettings.KeyFile(SecretsFolder, pairRegion)),
        ]);

    /// <summary>The stores a silo of this platform writes to, as the silo host reads them from its settings.</summary>
    public Custodian.Silo.Regions.RegionStores Stores()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(SiloSettings()).Build();
        var placement = configuration.GetSection(PlacementOptions.Section).Get<PlacementOptions>()!;
        var storage = configuration.GetSection(Custodian.Silo.Storage.SecureStorageOptions.Section).Get<Custodian.Silo.Storage.SecureStorageOptions>()!;
        return Custodian.Silo.Regions.RegionStores.FromConfiguration(configuration, Region, placement, storage);
    }

    /// <summary>The placement settings of this platform's silos.</summary>
    public IEnumerable<KeyValuePair<string, string?>> PlacementSettings() =>
        TestPlacement.Settings(PairConnectionString, WitnessConnectionString, PairKeyFile);

    private Dictionary<string, string?> GatewaySettings() =>
        // The gateway routes each tenant to its writer, as the witness says.
        HostSettings.Gateway(SecretsFolder, Region, Azurite.ConnectionString, GatewayPort).With(PlacementSettings()).With(ExtraGatewaySettings());
}
