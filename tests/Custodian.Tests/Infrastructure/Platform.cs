using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Custodian.Gateway;
using Custodian.Hosting;
using Custodian.Silo;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using KeysClient = Custodian.Gateway.Protos.Keys.Keys.KeysClient;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// The whole platform on 127.0.0.1: a real Azurite, one silo of region <c>eu-west</c>, the
/// gateway and an SMTP relay the silo delivers mail to, with real TLS certificates, a real key file and a real JWT signing key, all created
/// fresh in a temp folder for this fixture. The silo runs in-process; <see cref="ProcessSiloPlatform"/>
/// runs it as a child process that can be killed.
/// </summary>
public class Platform : IAsyncLifetime
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

    /// <summary>The SMTP relay the silo delivers mail to (<c>Mail:Host</c>/<c>Mail:Port</c>); it keeps every message it receives.</summary>
    public SmtpRelay Mail { get; private set; } = null!;

    /// <summary>The sender the silo puts on every mail (<c>Mail:From</c>).</summary>
    public const string MailFrom = "custodian@relay.test";

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

    public string KeyFile => Path.Combine(SecretsFolder, Region + ".kek.json");

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

    public virtual async Task InitializeAsync()
    {
        Azurite ??= await AzuriteServer.StartAsync();
        Mail = await SmtpRelay.StartAsync();
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
        }

        await StopSiloAsync();
        if (Mail is not null)
        {
            await Mail.DisposeAsync();
        }

        if (_ownsAzurite)
        {
            await Azurite.DisposeAsync();
        }

        if (_ownsSecrets)
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

    /// <summary>A development token signed with this platform's key.</summary>
    public string Token(string? tenant, params string[] roles) =>
        DevelopmentTokens.Mint(Jwt, "test-" + Guid.NewGuid().ToString("N")[..8], tenant, roles, TimeSpan.FromMinutes(10));

    /// <summary>A development token for the dashboard (its own audience), signed with this platform's key.</summary>
    public string DashboardToken(string principal, params string[] roles) =>
        DevelopmentTokens.Mint(DashboardJwt, principal, null, roles, TimeSpan.FromMinutes(10));

    /// <summary>
    /// A gRPC channel to the gateway over TLS, trusting exactly the gateway's certificate; with a
    /// token, every call on it carries that token; with <paramref name="from"/>, its connections come
    /// from that local address (any of 127.0.0.0/8), so a test can be a source of its own;
    /// <paramref name="compression"/> replaces the client's compression providers (gzip by default).
    /// </summary>
    public GrpcChannel Channel(string? token = null, System.Net.IPAddress? from = null, IList<Grpc.Net.Compression.ICompressionProvider>? compression = null) => GrpcChannel.ForAddress($"https://127.0.0.1:{GatewayPort}", new GrpcChannelOptions
    {
        HttpHandler = PinnedHandler(GatewayCertificate, from),
        CompressionProviders = compression,
        Credentials = token is null
            ? null
            : ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            })),
    });

    /// <summary>A Keys client calling as a principal with <paramref name="roles"/>.</summary>
    public KeysClient Keys(params string[] roles) => new(Channel(Token(null, roles)));

    /// <summary>An Access client calling as <paramref name="principal"/> with <paramref name="roles"/>.</summary>
    public Custodian.Gateway.Protos.Access.Access.AccessClient Access(string principal, params string[] roles) =>
        new(Channel(DevelopmentTokens.Mint(Jwt, principal, null, roles, TimeSpan.FromMinutes(10))));

    /// <summary>An Audit client calling as a principal with <paramref name="roles"/>.</summary>
    public Custodian.Gateway.Protos.Audit.Audit.AuditClient Audit(params string[] roles) => new(Channel(Token(null, roles)));

    /// <summary>The platform's audit keys (subject hashes, summary signatures), as silo and gateway load them.</summary>
    public AuditKeys AuditKeys => AuditKeys.Load(new AuditOptions { KeyFile = Path.Combine(SecretsFolder, "audit.key") });

    /// <summary>A Subjects client calling as <paramref name="principal"/> with <paramref name="roles"/> (and a tenant claim when given).</summary>
    public SubjectsClient SubjectsAs(string principal, string? tenant, params string[] roles) =>
        new(Channel(DevelopmentTokens.Mint(Jwt, principal, tenant, roles, TimeSpan.FromMinutes(10))));

    /// <summary>A Backups client calling as an operator.</summary>
    public Custodian.Gateway.Protos.Backups.Backups.BackupsClient Backups() => new(Channel(Token(null, "operator")));

    /// <summary>A Keys client calling as a client application of <paramref name="tenant"/> (which may shred its own subjects).</summary>
    public KeysClient KeysAs(string tenant) => new(Channel(Token(tenant, "app")));

    /// <summary>A Subjects client calling as a client application of <paramref name="tenant"/>.</summary>
    public SubjectsClient Subjects(string tenant) => new(Channel(Token(tenant, "app")));

    /// <summary>An HTTP handler that accepts exactly one server certificate; with <paramref name="from"/>, it connects from that local address.</summary>
    public static SocketsHttpHandler PinnedHandler(X509Certificate2 certificate, System.Net.IPAddress? from = null) => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHash().AsSpan().SequenceEqual(certificate.GetCertHash()) },
        EnableMultipleHttp2Connections = true,
        ConnectCallback = from is null ? null : async (context, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(from.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new System.Net.IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>A loopback address of its own (127.x.y.z) for a test that must be a source of its own.</summary>
    public static System.Net.IPAddress NewSource() =>
        new([127, (byte)RandomNumberGenerator.GetInt32(1, 255), (byte)RandomNumberGenerator.GetInt32(1, 255), (byte)RandomNumberGenerator.GetInt32(2, 255)]);

    /// <summary>A random id for this test's data, so tests never share state.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}";

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

    /// <summary>Starts one more in-process silo in this platform's cluster, on ports of its own; the caller stops it.</summary>
    public async Task<WebApplication> StartAnotherSiloAsync()
    {
        var settings = SiloSettings();
        settings["Silo:SiloPort"] = $"{FreePorts.Next()}";
        settings["Silo:GatewayPort"] = $"{FreePorts.Next()}";
        settings["Silo:AdminPort"] = $"{FreePorts.Next()}";
        var silo = SiloApp.Build([], (c, l) =>
        {
            c.AddInMemoryCollection(settings);
            l.AddProvider(Logs);
        });
        await silo.StartAsync();
        return silo;
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

    /// <summary>Services a platform adds to an in-process silo before the silo's own (which then keep them), e.g. a fake clock.</summary>
    protected virtual void ConfigureSiloServices(IServiceCollection services)
    {
    }

    /// <summary>Settings a platform adds to, or overrides in, the silo's configuration.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() => [];

    /// <summary>Settings a platform adds to, or overrides in, the gateway's configuration.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraGatewaySettings() => [];

    /// <summary>The silo's whole configuration.</summary>
    protected Dictionary<string, string?> SiloSettings()
    {
        var settings = Common();
        settings["Silo:Region"] = Region;
        settings["Silo:SiloPort"] = $"{_siloPort}";
        settings["Silo:GatewayPort"] = $"{SiloGatewayPort}";
        settings["Silo:AdminPort"] = $"{AdminPort}";
        settings["SecureStorage:KeyFile"] = KeyFile;
        settings["SecureStorage:CreateKeyFileIfMissing"] = "true";
        settings["AdminTls:Certificate:Path"] = Path.Combine(SecretsFolder, "admin.pfx");
        settings["AdminTls:Certificate:CreateIfMissing"] = "true";
        settings["Mail:Host"] = "127.0.0.1";
        settings["Mail:Port"] = $"{Mail.Port}";
        settings["Mail:From"] = MailFrom;
        settings["Mail:Timeout"] = "00:00:05";
        // Retries come quickly in tests: 200 ms after the first failure, doubling up to 2 s.
        settings["Mail:InitialRetryDelay"] = "00:00:00.200";
        settings["Mail:MaxRetryDelay"] = "00:00:02";
        foreach (var (key, value) in ExtraSiloSettings())
        {
            settings[key] = value;
        }

        return settings;
    }

    private Dictionary<string, string?> Common() => new(DevelopmentSecrets.In(SecretsFolder))
    {
        ["Logging:LogLevel:Default"] = "Debug",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
        ["Logging:LogLevel:Orleans"] = "Information",
        ["Logging:Console:LogLevel:Default"] = "Warning",
        ["Logging:Console:LogLevel:Custodian.Silo.Storage"] = "None", // the tamper tests provoke thousands of refusals
        ["ConnectionStrings:Storage"] = Azurite.ConnectionString,
    };

    private Dictionary<string, string?> GatewaySettings()
    {
        var settings = Common();
        settings["Gateway:Region"] = Region;
        settings["Gateway:Port"] = $"{GatewayPort}";
        settings["Tls:Certificate:Path"] = Path.Combine(SecretsFolder, "gateway.pfx");
        settings["Tls:Certificate:CreateIfMissing"] = "true";
        foreach (var (key, value) in ExtraGatewaySettings())
        {
            settings[key] = value;
        }

        return settings;
    }
}

/// <summary>A platform over storage and keys that already exist, e.g. a storage account rebuilt by a restore.</summary>
public sealed class PlatformOver(AzuriteServer azurite, string secretsFolder) : Platform(azurite, secretsFolder);

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<Platform>
{
    public const string Name = "platform";
}
