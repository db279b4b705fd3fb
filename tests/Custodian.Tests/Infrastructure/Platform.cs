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

using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// The whole platform on 127.0.0.1: a real Azurite, one silo of region <c>eu-west</c> and the
/// gateway, with real TLS certificates, a real key file and a real JWT signing key, all created
/// fresh in a temp folder for this fixture.
/// </summary>
public sealed class Platform : IAsyncLifetime
{
    public const string Region = "eu-west";
    private readonly string _secrets = Directory.CreateTempSubdirectory("custodian-secrets-").FullName;
    private readonly int _siloPort = FreePorts.Next();

    /// <summary>The silo's Orleans gateway port (client-to-silo traffic).</summary>
    public int SiloGatewayPort { get; } = FreePorts.Next();
    private WebApplication? _gateway;

    public AzuriteServer Azurite { get; private set; } = null!;

    /// <summary>Every log line of the silo and the gateway, at every level.</summary>
    public CapturedLogs Logs { get; } = new();

    public WebApplication Silo { get; private set; } = null!;

    public int AdminPort { get; } = FreePorts.Next();

    public int GatewayPort { get; } = FreePorts.Next();

    public JwtOptions Jwt => new() { SigningKeyFile = Path.Combine(_secrets, "jwt.key") };

    /// <summary>The folder of this platform's generated keys and certificates (gateway.crt, jwt.key, …).</summary>
    public string SecretsFolder => _secrets;

    public X509Certificate2 GatewayCertificate { get; private set; } = null!;

    public X509Certificate2 AdminCertificate { get; private set; } = null!;

    /// <summary>The cluster's certificate, with its private key (what silos and the gateway present).</summary>
    public X509Certificate2 ClusterCertificate { get; private set; } = null!;

    /// <summary>The grain factory of the running silo (for test set-up such as forcing deactivation).</summary>
    public IGrainFactory SiloGrains => Silo.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        Silo = BuildSilo();
        await Silo.StartAsync();
        _gateway = GatewayApp.Build([], (c, l) =>
        {
            c.AddInMemoryCollection(GatewaySettings());
            l.AddProvider(Logs);
        });
        await _gateway.StartAsync();
        GatewayCertificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_secrets, "gateway.crt"));
        AdminCertificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_secrets, "admin.crt"));
        ClusterCertificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(_secrets, "cluster.pfx"), "");
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }

        await Silo.StopAsync();
        await Silo.DisposeAsync();
        await Azurite.DisposeAsync();
        Directory.Delete(_secrets, recursive: true);
    }

    /// <summary>Stops the silo and starts a new one with the same storage, keys and ports.</summary>
    public async Task RestartSiloAsync()
    {
        await Silo.StopAsync();
        await Silo.DisposeAsync();
        Silo = BuildSilo();
        await Silo.StartAsync();
    }

    private WebApplication BuildSilo() => SiloApp.Build([], (c, l) =>
    {
        c.AddInMemoryCollection(SiloSettings());
        l.AddProvider(Logs);
    });

    /// <summary>A development token signed with this platform's key.</summary>
    public string Token(string? tenant, params string[] roles) =>
        DevelopmentTokens.Mint(Jwt, "test-" + Guid.NewGuid().ToString("N")[..8], tenant, roles, TimeSpan.FromMinutes(10));

    /// <summary>
    /// A gRPC channel to the gateway over TLS, trusting exactly the gateway's certificate; with a
    /// token, every call on it carries that token.
    /// </summary>
    public GrpcChannel Channel(string? token = null) => GrpcChannel.ForAddress($"https://127.0.0.1:{GatewayPort}", new GrpcChannelOptions
    {
        HttpHandler = PinnedHandler(GatewayCertificate),
        Credentials = token is null
            ? null
            : ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            })),
    });

    /// <summary>A Keys client calling as a principal with <paramref name="roles"/>.</summary>
    public Custodian.Gateway.Protos.Keys.Keys.KeysClient Keys(params string[] roles) => new(Channel(Token(null, roles)));

    /// <summary>A Subjects client calling as a client application of <paramref name="tenant"/>.</summary>
    public SubjectsClient Subjects(string tenant) => new(Channel(Token(tenant, "app")));

    /// <summary>An HTTP handler that accepts exactly one server certificate.</summary>
    public static SocketsHttpHandler PinnedHandler(X509Certificate2 certificate) => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHash().AsSpan().SequenceEqual(certificate.GetCertHash()) },
        EnableMultipleHttp2Connections = true,
    };

    private Dictionary<string, string?> Common() => new()
    {
        ["Logging:LogLevel:Default"] = "Debug",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
        ["Logging:LogLevel:Orleans"] = "Information",
        ["Logging:Console:LogLevel:Default"] = "Warning",
        ["ConnectionStrings:Storage"] = Azurite.ConnectionString,
        ["ClusterTls:Certificate:Path"] = Path.Combine(_secrets, "cluster.pfx"),
        ["ClusterTls:Certificate:CreateIfMissing"] = "true",
        ["Jwt:SigningKeyFile"] = Path.Combine(_secrets, "jwt.key"),
        ["Jwt:CreateSigningKeyIfMissing"] = "true",
    };

    private Dictionary<string, string?> SiloSettings()
    {
        var settings = Common();
        settings["Silo:Region"] = Region;
        settings["Silo:SiloPort"] = $"{_siloPort}";
        settings["Silo:GatewayPort"] = $"{SiloGatewayPort}";
        settings["Silo:AdminPort"] = $"{AdminPort}";
        settings["SecureStorage:KeyFile"] = Path.Combine(_secrets, Region + ".kek.json");
        settings["SecureStorage:CreateKeyFileIfMissing"] = "true";
        settings["AdminTls:Certificate:Path"] = Path.Combine(_secrets, "admin.pfx");
        settings["AdminTls:Certificate:CreateIfMissing"] = "true";
        return settings;
    }

    private Dictionary<string, string?> GatewaySettings()
    {
        var settings = Common();
        settings["Gateway:Region"] = Region;
        settings["Gateway:Port"] = $"{GatewayPort}";
        settings["Tls:Certificate:Path"] = Path.Combine(_secrets, "gateway.pfx");
        settings["Tls:Certificate:CreateIfMissing"] = "true";
        return settings;
    }

    /// <summary>A random id for this test's data, so tests never share state.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}";
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<Platform>
{
    public const string Name = "platform";
}
