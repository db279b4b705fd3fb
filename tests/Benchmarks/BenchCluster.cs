using Azure.Data.Tables;
using Custodian.Gateway;
using Custodian.Hosting;
using Custodian.Silo;
using Custodian.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Custodian.Benchmarks;

/// <summary>
/// Regions for the gateway benchmarks: a real Azurite, one silo in-process per region (one cluster each,
/// all on that Azurite) and any number of gateways in-process, each on free 127.0.0.1 ports with real TLS
/// and real JWTs; and, to compare with, a bare gRPC echo server with the gateways' TLS.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private const string DefaultRegion = "eu-west";
    private readonly AzuriteServer _azurite;
    private readonly AzuriteServer _pairAzurite;
    private readonly AzuriteServer _witness;
    private readonly string _secrets;
    private readonly Dictionary<string, WebApplication> _silos = [];
    private readonly IReadOnlyList<KeyValuePair<string, string?>> _settings;
    private readonly Action<IServiceCollection>? _siloServices;

    // The gateways and echo servers, stopped before the silos.
    private readonly List<WebApplication> _servers = [];

    private BenchCluster(
        AzuriteServer azurite, AzuriteServer pair, AzuriteServer witness, string secrets, IReadOnlyList<KeyValuePair<string, string?>> settings, Action<IServiceCollection>? siloServices) =>
        (_azurite, _pairAzurite, _witness, _secrets, _settings, _siloServices) = (azurite, pair, witness, secrets, settings, siloServices);

    /// <summary>The keys the silos and gateways hash subjects with.</summary>
    public AuditKeys AuditKeys => AuditKeys.Load(new AuditOptions { KeyFile = Path.Combine(_secrets, "audit.key") });

    /// <summary>The Azurite's table service, for reading what the services stored.</summary>
    public TableServiceClient Tables => _azurite.Tables;

    /// <summary>The services of <paramref name="region"/>'s silo (its grain factory, its meters).</summary>
    public IServiceProvider Silo(string region) => _silos[region].Services;

    /// <summary>
    /// Starts Azurite and the silo of region eu-west. With <paramref name="storageOnOwnCore"/>, Azurite is pinned to the
    /// last core and this process (client, silo, gateways) to the others, as when storage is a service
    /// of its own rather than an emulator sharing the cores with what is measured.
    /// </summary>
    public static Task<BenchCluster> StartAsync(bool inMemoryAzurite = false, bool storageOnOwnCore = false) =>
        StartAsync([DefaultRegion], inMemoryAzurite, storageOnOwnCore);

    /// <summary>
    /// Starts the Azurites and one silo per region, each region its own cluster; <paramref name="settings"/> (such as
    /// <c>Placement:Tenants:&lt;t&gt;:Writer</c>) go to every silo and every gateway, overriding the defaults;
    /// <paramref name="siloServices"/> may replace services of every silo (it runs after the silo's own registrations, and
    /// the last registration wins). What was started is stopped again when a start fails.
    /// </summary>
    public static async Task<BenchCluster> StartAsync(
        IReadOnlyList<string> regions,
        bool inMemoryAzurite = false,
        bool storageOnOwnCore = false,
        IEnumerable<KeyValuePair<string, string?>>? settings = null,
        Action<IServiceCollection>? siloServices = null)
    {
        var azurite = await AzuriteServer.StartAsync(inMemoryAzurite);
        var pairAzurite = await AzuriteServer.StartAsync(inMemoryAzurite);
        var witness = await AzuriteServer.StartAsync(inMemoryAzurite);
        var cluster = new BenchCluster(azurite, pairAzurite, witness, Directory.CreateTempSubdirectory("custodian-bench-").FullName, [.. settings ?? []], siloServices);
        try
        {
            await cluster.StartSilosAsync(regions, storageOnOwnCore);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartSilosAsync(IReadOnlyList<string> regions, bool storageOnOwnCore)
    {
        var (azurite, pairAzurite, witness, secrets) = (_azurite, _pairAzurite, _witness, _secrets);
        if (storageOnOwnCore)
        {
            var last = Environment.ProcessorCount - 1;
            if (last < 1)
            {
                throw new InvalidOperationException("Pinning storage to a core of its own needs at least 2 cores.");
            }

            await PinAsync(azurite.ProcessId, $"{last}");
            await PinAsync(pairAzurite.ProcessId, $"{last}");
            await PinAsync(witness.ProcessId, $"{last}");
            await PinAsync(Environment.ProcessId, last == 1 ? "0" : $"0-{last - 1}");
        }

        foreach (var region in regions)
        {
            // eu-west writes to the first Azurite and replicates to the second; eu-north the other way round.
            var (own, pair) = region == DefaultRegion ? (azurite, pairAzurite) : (pairAzurite, azurite);
            // As SiloApp.Build does, with the benchmark's services registered after the silo's.
            var builder = WebApplication.CreateBuilder();
            builder.Configuration.AddInMemoryCollection(SiloSettings(region, own, pair, witness, secrets)).AddInMemoryCollection(_settings);
            builder.AddCustodianSilo();
            _siloServices?.Invoke(builder.Services);
            var silo = builder.Build();
            silo.MapCustodianAdmin();
            await silo.StartAsync();
            _silos[region] = silo;
        }
    }

    /// <summary>
    /// Starts a gateway of <paramref name="region"/> (eu-west when not given), which forwards to the other region when
    /// its silo runs; <paramref name="services"/> may replace its services (last registration wins).
    /// </summary>
    public async Task<Func<string, string?, string, GrpcChannel>> StartGatewayAsync(Action<IServiceCollection>? services = null, string region = DefaultRegion)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateBuilder();
        var (own, pair) = region == DefaultRegion ? (_azurite, _pairAzurite) : (_pairAzurite, _azurite);
        builder.Configuration.AddInMemoryCollection(GatewaySettings(region, port, own, pair, _witness, _secrets, pairSiloRuns: _silos.ContainsKey(PairOf(region)))).AddInMemoryCollection(_settings);
        builder.AddCustodianGateway();
        services?.Invoke(builder.Services);
        var gateway = builder.Build();
        gateway.MapCustodianGateway();
        await gateway.StartAsync();
        _servers.Add(gateway);

        var jwt = new JwtOptions { SigningKeyFile = Path.Combine(_secrets, "jwt.key") };
        return (principal, tenant, role) => Channel(port, ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor((_, m) =>
        {
            m.Add("Authorization", "Bearer " + DevelopmentTokens.Mint(jwt, principal, tenant, [role], TimeSpan.FromHours(1)));
            return Task.CompletedTask;
        })));
    }

    /// <summary>
    /// Starts a gRPC server in-process that answers <see cref="Protos.Echo"/> calls with their own message, configured
    /// as a gateway's Kestrel is (HTTP/2 only over HTTPS, the gateways' certificate, a free 127.0.0.1 port) and with no
    /// interceptors, authentication or cluster: one bare TLS gRPC round trip. Returns a channel to it as a gateway's
    /// (the same handler and certificate pinning), without call credentials.
    /// </summary>
    public async Task<GrpcChannel> StartEchoAsync()
    {
        var port = FreePorts.Next();
        var echo = BuildEcho(port, _secrets);
        await echo.StartAsync();
        _servers.Add(echo);
        return Channel(port, ChannelCredentials.SecureSsl);
    }

    /// <summary>
    /// The settings of <paramref name="region"/>'s silo over <paramref name="own"/> (its account), <paramref name="pair"/>
    /// (its pair's) and <paramref name="witness"/>, with its keys and certificates in <paramref name="secrets"/> (created there when missing).
    /// </summary>
    internal static Dictionary<string, string?> SiloSettings(string region, AzuriteServer own, AzuriteServer pair, AzuriteServer witness, string secrets)
    {
        var settings = Common(own, secrets);
        foreach (var (key, value) in TestPlacement.Settings(pair.ConnectionString, witness.ConnectionString, Path.Combine(secrets, $"{PairOf(region)}.kek.json")))
        {
            settings[key] = value;
        }

        settings["Silo:Region"] = region;
        settings["Silo:SiloPort"] = $"{FreePorts.Next()}";
        settings["Silo:GatewayPort"] = $"{FreePorts.Next()}";
        settings["Silo:AdminPort"] = $"{FreePorts.Next()}";
        settings["SecureStorage:KeyFile"] = Path.Combine(secrets, $"{region}.kek.json");
        settings["SecureStorage:CreateKeyFileIfMissing"] = "true";
        settings["AdminTls:Certificate:Path"] = Path.Combine(secrets, "admin.pfx");
        settings["AdminTls:Certificate:CreateIfMissing"] = "true";
        return settings;
    }

    /// <summary>
    /// The settings of a gateway of <paramref name="region"/> on <paramref name="port"/>, as <see cref="SiloSettings"/>; with
    /// <paramref name="pairSiloRuns"/>, it also connects to the pair region's cluster, to forward to it.
    /// </summary>
    internal static Dictionary<string, string?> GatewaySettings(string region, int port, AzuriteServer own, AzuriteServer pair, AzuriteServer witness, string secrets, bool pairSiloRuns)
    {
        var settings = Common(own, secrets);
        foreach (var (key, value) in TestPlacement.Settings(pair.ConnectionString, witness.ConnectionString, Path.Combine(secrets, $"{PairOf(region)}.kek.json")))
        {
            settings[key] = value;
        }

        if (pairSiloRuns)
        {
            settings[$"ConnectionStrings:Storage-{PairOf(region)}"] = pair.ConnectionString;
        }

        settings["Gateway:Region"] = region;
        settings["Gateway:Port"] = $"{port}";
        settings["Gateway:RateLimitPerSecond"] = "1000000";
        settings["Gateway:RateLimitBurst"] = "1000000";
        settings["Tls:Certificate:Path"] = Path.Combine(secrets, "gateway.pfx");
        settings["Tls:Certificate:CreateIfMissing"] = "true";
        return settings;
    }

    /// <summary>
    /// A gRPC server that answers <see cref="Protos.Echo"/> calls with their own message, configured as a gateway's
    /// Kestrel is (HTTP/2 only over HTTPS, the gateways' certificate from <paramref name="secrets"/>, 127.0.0.1:<paramref name="port"/>)
    /// and with no interceptors, authentication or cluster: one bare TLS gRPC round trip.
    /// </summary>
    internal static WebApplication BuildEcho(int port, string secrets)
    {
        var certificate = Certificates.Load(new CertificateOptions { Path = Path.Combine(secrets, "gateway.pfx"), CreateIfMissing = true }, "the echo server");
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", "Warning")]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(certificate);
        }));
        builder.Services.AddGrpc();
        var echo = builder.Build();
        echo.MapGrpcService<EchoService>();
        return echo;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.StopAsync();
        }

        foreach (var silo in _silos.Values)
        {
            await silo.StopAsync();
        }

        await _azurite.DisposeAsync();
        await _pairAzurite.DisposeAsync();
        await _witness.DisposeAsync();
        Directory.Delete(_secrets, recursive: true);
    }

    /// <summary>A channel to a server of this cluster on <paramref name="port"/>, trusting only the gateways' certificate.</summary>
    private GrpcChannel Channel(int port, ChannelCredentials credentials) => Channel(port, _secrets, credentials);

    /// <summary>A channel to a server on 127.0.0.1:<paramref name="port"/>, trusting only the gateways' certificate in <paramref name="secrets"/>.</summary>
    internal static GrpcChannel Channel(int port, string secrets, ChannelCredentials credentials)
    {
        var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Path.Combine(secrets, "gateway.crt"));
        return GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && c.GetCertHash().AsSpan().SequenceEqual(certificate.GetCertHash()) },
                EnableMultipleHttp2Connections = true,
            },
            Credentials = credentials,
        });
    }

    /// <summary>Pins every thread of a process (and, by inheritance, its future threads) to <paramref name="cores"/>.</summary>
    internal static async Task PinAsync(int processId, string cores)
    {
        using var taskset = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("taskset", ["-a", "-p", "-c", cores, $"{processId}"])
        {
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("taskset did not start");
        await taskset.StandardOutput.ReadToEndAsync();
        await taskset.WaitForExitAsync();
        if (taskset.ExitCode != 0)
        {
            throw new InvalidOperationException($"taskset could not pin process {processId} to cores {cores} (exit code {taskset.ExitCode}).");
        }
    }

    private static string PairOf(string region) => region == DefaultRegion ? "eu-north" : DefaultRegion;

    private static Dictionary<string, string?> Common(AzuriteServer azurite, string secrets) => new()
    {
        ["Logging:LogLevel:Default"] = "Warning",
        ["ConnectionStrings:Storage"] = azurite.ConnectionString,
        ["ClusterTls:Certificate:Path"] = Path.Combine(secrets, "cluster.pfx"),
        ["ClusterTls:Certificate:CreateIfMissing"] = "true",
        ["Jwt:SigningKeyFile"] = Path.Combine(secrets, "jwt.key"),
        ["Jwt:CreateSigningKeyIfMissing"] = "true",
        ["Audit:KeyFile"] = Path.Combine(secrets, "audit.key"),
        ["Audit:CreateKeyIfMissing"] = "true",
    };
}
