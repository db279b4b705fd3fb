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
/// A region for the gateway benchmarks: a real Azurite, one silo in-process and any number of
/// gateways in-process, each on free 127.0.0.1 ports with real TLS and real JWTs.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private const string Region = "eu-west";
    private readonly AzuriteServer _azurite;
    private readonly string _secrets;
    private readonly WebApplication _silo;
    private readonly List<WebApplication> _gateways = [];

    private BenchCluster(AzuriteServer azurite, string secrets, WebApplication silo) =>
        (_azurite, _secrets, _silo) = (azurite, secrets, silo);

    /// <summary>
    /// Starts Azurite and the silo. With <paramref name="storageOnOwnCore"/>, Azurite is pinned to the
    /// last core and this process (client, silo, gateways) to the others, as when storage is a service
    /// of its own rather than an emulator sharing the cores with what is measured.
    /// </summary>
    public static async Task<BenchCluster> StartAsync(bool inMemoryAzurite = false, bool storageOnOwnCore = false)
    {
        var azurite = await AzuriteServer.StartAsync(inMemoryAzurite);
        if (storageOnOwnCore)
        {
            var last = Environment.ProcessorCount - 1;
            if (last < 1)
            {
                throw new InvalidOperationException("Pinning storage to a core of its own needs at least 2 cores.");
            }

            await PinAsync(azurite.ProcessId, $"{last}");
            await PinAsync(Environment.ProcessId, last == 1 ? "0" : $"0-{last - 1}");
        }

        var secrets = Directory.CreateTempSubdirectory("custodian-bench-").FullName;
        var silo = SiloApp.Build([], (c, _) => c.AddInMemoryCollection(Common(azurite, secrets).Concat(new Dictionary<string, string?>
        {
            ["Silo:Region"] = Region,
            ["Silo:SiloPort"] = $"{FreePorts.Next()}",
            ["Silo:GatewayPort"] = $"{FreePorts.Next()}",
            ["Silo:AdminPort"] = $"{FreePorts.Next()}",
            ["SecureStorage:KeyFile"] = Path.Combine(secrets, "eu-west.kek.json"),
            ["SecureStorage:CreateKeyFileIfMissing"] = "true",
            ["AdminTls:Certificate:Path"] = Path.Combine(secrets, "admin.pfx"),
            ["AdminTls:Certificate:CreateIfMissing"] = "true",
        })));
        await silo.StartAsync();
        return new BenchCluster(azurite, secrets, silo);
    }

    /// <summary>Starts a gateway; <paramref name="services"/> may replace its services (last registration wins).</summary>
    public async Task<Func<string, string?, string, GrpcChannel>> StartGatewayAsync(Action<IServiceCollection>? services = null)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(Common(_azurite, _secrets).Concat(new Dictionary<string, string?>
        {
            ["Gateway:Region"] = Region,
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

        await _silo.StopAsync();
        await _azurite.DisposeAsync();
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
