using Azure.Data.Tables;
using Custodian.Gateway;
using Custodian.Hosting;
using Custodian.Silo;
using Custodian.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Custodian.Benchmarks;

/// <summary>
/// Regions for the gateway benchmarks: a real Azurite, one silo in-process per region (one cluster each,
/// all on that Azurite) and any number of gateways in-process, each on free 127.0.0.1 ports with real TLS
/// and real JWTs.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private const string DefaultRegion = "eu-west";
    private readonly AzuriteServer _azurite;
    private readonly AzuriteServer _pairAzurite;
    private readonly AzuriteServer _witness;
    private readonly string _secrets;
    private readonly Dictionary<string, WebApplication> _silos;
    private readonly List<WebApplication> _gateways = [];

    private BenchCluster(AzuriteServer azurite, AzuriteServer pair, AzuriteServer witness, string secrets, Dictionary<string, WebApplication> silos) =>
        (_azurite, _pairAzurite, _witness, _secrets, _silos) = (azurite, pair, witness, secrets, silos);

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

    /// <summary>Starts Azurite and one silo per region, each region its own cluster, all on that one Azurite.</summary>
    public static async Task<BenchCluster> StartAsync(IReadOnlyList<string> regions, bool inMemoryAzurite = false, bool storageOnOwnCore = false)
    {
        var azurite = await AzuriteServer.StartAsync(inMemoryAzurite);
        var pairAzurite = await AzuriteServer.StartAsync(inMemoryAzurite);
        var witness = await AzuriteServer.StartAsync(inMemoryAzurite);
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

        var secrets = Directory.CreateTempSubdirectory("custodian-bench-").FullName;
        var silos = new Dictionary<string, WebApplication>();
        foreach (var region in regions)
        {
            // eu-west writes to the first Azurite and replicates to the second; eu-north the other way round.
            var (own, pair) = region == DefaultRegion ? (azurite, pairAzurite) : (pairAzurite, azurite);
            var pairRegion = region == DefaultRegion ? "eu-north" : DefaultRegion;
            var silo = SiloApp.Build([], (c, _) => c.AddInMemoryCollection(Common(own, secrets)
                .Concat(TestPlacement.Settings(pair.ConnectionString, witness.ConnectionString, Path.Combine(secrets, $"{pairRegion}.kek.json")))
                .Concat(new Dictionary<string, string?>
            {
                ["Silo:Region"] = region,
                ["Silo:SiloPort"] = $"{FreePorts.Next()}",
                ["Silo:GatewayPort"] = $"{FreePorts.Next()}",
                ["Silo:AdminPort"] = $"{FreePorts.Next()}",
                ["SecureStorage:KeyFile"] = Path.Combine(secrets, $"{region}.kek.json"),
                ["SecureStorage:CreateKeyFileIfMissing"] = "true",
                ["AdminTls:Certificate:Path"] = Path.Combine(secrets, "admin.pfx"),
                ["AdminTls:Certificate:CreateIfMissing"] = "true",
            })));
            await silo.StartAsync();
            silos[region] = silo;
        }

        return new BenchCluster(azurite, pairAzurite, witness, secrets, silos);
    }

    /// <summary>
    /// Starts a gateway of <paramref name="region"/> (eu-west when not given), which forwards to the other region when
    /// its silo runs; <paramref name="services"/> may replace its services (last registration wins).
    /// </summary>
    public async Task<Func<string, string?, string, GrpcChannel>> StartGatewayAsync(Action<IServiceCollection>? services = null, string region = DefaultRegion)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateBuilder();
        var (own, pair, pairRegion) = region == DefaultRegion ? (_azurite, _pairAzurite, "eu-north") : (_pairAzurite, _azurite, DefaultRegion);
        builder.Configuration.AddInMemoryCollection(Common(own, _secrets)
            .Concat(TestPlacement.Settings(pair.ConnectionString, _witness.ConnectionString, Path.Combine(_secrets, $"{pairRegion}.kek.json")))
            .Concat(_silos.ContainsKey(pairRegion) ? [new($"ConnectionStrings:Storage-{pairRegion}", pair.ConnectionString)] : [])
            .Concat(new Dictionary<string, string?>
        {
            ["Gateway:Region"] = region,
            ["Gateway:Port"] = $"{port}",
            ["Gateway:RateLimitPerSecond"] = "1000000",
            ["Gateway:RateLimitBurst"] = "1000000",
            ["Tls:Certificate:Path"] = Path.Combine(_secrets, "gateway.pfx"),
            ["Tls:Certificate:CreateIfMissing"] = "true",
        }));
        builder.AddCustodianGateway();
        services?.Invoke(builder.Services);
        var gateway = builder.Build();
        gateway.MapCustodianGateway();
        await gateway.StartAsync();
        _gateways.Add(gateway);

        var jwt = new JwtOptions { SigningKeyFile = Path.Combine(_secrets, "jwt.key") };
        var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_secrets, "gateway.crt"));
        return (principal, tenant, role) => GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && c.GetCertHash().AsSpan().SequenceEqual(certificate.GetCertHash()) },
                EnableMultipleHttp2Connections = true,
            },
            Credentials = ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor((_, m) =>
            {
                m.Add("Authorization", "Bearer " + DevelopmentTokens.Mint(jwt, principal, tenant, [role], TimeSpan.FromHours(1)));
                return Task.CompletedTask;
            })),
        });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.StopAsync();
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

    /// <summary>Pins every thread of a process (and, by inheritance, its future threads) to <paramref name="cores"/>.</summary>
    private static async Task PinAsync(int processId, string cores)
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
