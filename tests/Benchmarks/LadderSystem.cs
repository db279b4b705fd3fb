using System.Diagnostics;
using System.Text.Json;
using Custodian.Gateway.Protos.Access;
using Custodian.Hosting;
using Custodian.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using AccessClient = Custodian.Gateway.Protos.Access.Access.AccessClient;
using EchoClient = Custodian.Benchmarks.Protos.Echo.EchoClient;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Benchmarks;

/// <summary>
/// The ladder's system under test, every part a process of its own: three Azurites (this region's account, its
/// pair's, the witness), the bare echo server, and one silo and one gateway of region eu-west at a time, started
/// with a rung's variant (<see cref="LadderHost"/>). On a machine of two or more cores the load generator (this process)
/// and the Azurites, which stand in for a storage service elsewhere, run on core 0, and the gateway, the silo and the
/// echo server on the others (<c>taskset</c>): what the rungs measure is what Custodian's own processes can do.
/// </summary>
internal sealed class LadderSystem : IAsyncDisposable
{
    public const string Region = "eu-west";
    public const string Tenant = "acme";
    private readonly string _secrets;
    private readonly List<ChildProcess> _children = [];
    private ChildProcess? _silo;
    private ChildProcess? _gateway;
    private ChildProcess? _echo;
    private Dictionary<string, string?>? _siloSettings;
    private bool _disposed;

    private LadderSystem(AzuriteServer own, AzuriteServer pair, AzuriteServer witness, string secrets) =>
        (Own, Pair, Witness, _secrets) = (own, pair, witness, secrets);

    public AzuriteServer Own { get; }

    public AzuriteServer Pair { get; }

    public AzuriteServer Witness { get; }

    /// <summary>Whether the load generator (with the Azurites) and Custodian's processes run on cores of their own (<c>taskset</c>, of util-linux, is there).</summary>
    public static bool Pinned => Environment.ProcessorCount >= 2 && File.Exists("/usr/bin/taskset");

    /// <summary>The cores of the gateway, the silo and the echo server, as <c>taskset</c> takes them.</summary>
    public static string SystemCores => Environment.ProcessorCount == 2 ? "1" : $"1-{Environment.ProcessorCount - 1}";

    /// <summary>The processes whose CPU time is counted, by role (those that run now).</summary>
    public IReadOnlyDictionary<string, int> Processes
    {
        get
        {
            var processes = new Dictionary<string, int>
            {
                ["load"] = Environment.ProcessId,
                ["azurite"] = Own.ProcessId,
                ["azurite-pair"] = Pair.ProcessId,
                ["azurite-witness"] = Witness.ProcessId,
            };
            foreach (var (role, child) in new[] { ("echo", _echo), ("gateway", _gateway), ("silo", _silo) })
            {
                if (child is { HasExited: false })
                {
                    processes[role] = child.Id;
                }
            }

            return processes;
        }
    }


    /// <summary>The process id of the gateway or the silo that runs now.</summary>
    public int ProcessOf(string role) => (role == "gateway" ? _gateway : _silo)?.Id ?? throw new InvalidOperationException($"No {role} runs.");

    public static async Task<LadderSystem> StartAsync()
    {
        if (Pinned)
        {
            await BenchCluster.PinAsync(Environment.ProcessId, "0");
        }

        // In memory: the emulator's periodic save of its whole database to disk stalls every request for up to seconds.
        var own = await AzuriteServer.StartAsync(inMemory: true);
        var pair = await AzuriteServer.StartAsync(inMemory: true);
        var witness = await AzuriteServer.StartAsync(inMemory: true);
        var system = new LadderSystem(own, pair, witness, Directory.CreateTempSubdirectory("custodian-ladder-").FullName);
        if (Pinned)
        {
            foreach (var azurite in new[] { own, pair, witness })
            {
                await BenchCluster.PinAsync(azurite.ProcessId, "0");
            }
        }

        return system;
    }

    /// <summary>Starts the echo server and returns a client of it.</summary>
    public async Task<EchoClient> StartEchoAsync()
    {
        var port = FreePorts.Next();
        _echo = await HostAsync("echo", "echo", new()
        {
            [LadderHost.EchoPortSetting] = $"{port}",
            [LadderHost.SecretsSetting] = _secrets,
        });
        return new EchoClient(BenchCluster.Channel(port, _secrets, ChannelCredentials.SecureSsl));
    }

    /// <summary>
    /// Starts a silo and a gateway with <paramref name="storage"/> as the <c>secure</c> storage and the audit trail on or
    /// off (after stopping the previous pair), and returns the clients: the tenant's app, a staff member who reads
    /// under a grant the officer issues now, and the officer.
    /// </summary>
    public async Task<Clients> StartAsync(LadderHost.StorageVariant storage, bool audit)
    {
        await StopAsync();
        var variant = new Dictionary<string, string?>
        {
            [LadderHost.StorageSetting] = storage.ToString(),
            [LadderHost.AuditSetting] = audit ? "on" : "off",
            // Telemetry export off: no OTLP endpoint.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
        };
        // The product's lease timings, not the tests' quick ones: a renewal starved for a few seconds must not cost the lease.
        Merge(variant, new Dictionary<string, string?>(ForwardBenchmark.ProductTimings()));
        _siloSettings = BenchCluster.SiloSettings(Region, Own, Pair, Witness, _secrets);
        Merge(_siloSettings, variant);
        _silo = await HostAsync("silo", "silo", _siloSettings);

        var port = FreePorts.Next();
        var gatewaySettings = BenchCluster.GatewaySettings(Region, port, Own, Pair, Witness, _secrets, pairSiloRuns: false);
        Merge(gatewaySettings, variant);
        _gateway = await HostAsync("gateway", "gateway", gatewaySettings);

        var jwt = new JwtOptions { SigningKeyFile = Path.Combine(_secrets, "jwt.key") };
        GrpcChannel Channel(string principal, string? tenant, string role)
        {
            // One token per client for the whole run, as a client application holds one until it expires.
            var token = "Bearer " + DevelopmentTokens.Mint(jwt, principal, tenant, [role], TimeSpan.FromHours(2));
            return BenchCluster.Channel(port, _secrets, ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor((_, m) =>
            {
                m.Add("Authorization", token);
                return Task.CompletedTask;
            })));
        }

        var clients = new Clients(
            new SubjectsClient(Channel("bench-app", Tenant, "app")),
            new SubjectsClient(Channel("staff-bench", null, "staff")),
            new AccessClient(Channel("officer-bench", null, "officer")));
        await Poll.UntilAsync(async () =>
        {
            await clients.Officer.IssueGrantAsync(new IssueGrantRequest
            {
                Principal = "staff-bench",
                Scope = new GrantScope { TenantId = Tenant },
                Operations = { Operation.Read },
                Purpose = LadderBenchmark.Purpose,
                Justification = "benchmark ladder",
                Cidrs = { "127.0.0.0/8" },
                ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
                ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(3)),
            });
            return true;
        }, TimeSpan.FromSeconds(60), e => e is RpcException { StatusCode: StatusCode.Unavailable });
        return clients;
    }

    /// <summary>
    /// Stops the silo gracefully and starts it again with the same settings (every grain inactive, no data key held), and
    /// waits until <paramref name="ready"/> succeeds through the gateway.
    /// </summary>
    public async Task RestartSiloAsync(Func<Task> ready)
    {
        await _silo!.TerminateAsync(TimeSpan.FromSeconds(30));
        _children.Remove(_silo);
        await _silo.DisposeAsync();
        _silo = await HostAsync("silo", "silo", _siloSettings!);
        await Poll.UntilAsync(async () =>
        {
            await ready();
            return true;
        }, TimeSpan.FromSeconds(90), e => e is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded });
    }

    /// <summary>Stops the silo and the gateway, gracefully.</summary>
    public async Task StopAsync()
    {
        foreach (var child in new[] { _gateway, _silo })
        {
            if (child is not null)
            {
                await child.TerminateAsync(TimeSpan.FromSeconds(30));
                _children.Remove(child);
                await child.DisposeAsync();
            }
        }

        (_gateway, _silo) = (null, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await StopAsync();
        foreach (var child in _children)
        {
            await child.DisposeAsync();
        }

        await Own.DisposeAsync();
        await Pair.DisposeAsync();
        await Witness.DisposeAsync();
        Directory.Delete(_secrets, recursive: true);
    }

    private async Task<ChildProcess> HostAsync(string name, string role, Dictionary<string, string?> settings)
    {
        settings[LadderHost.ParentSetting] = $"{Environment.ProcessId}";
        var file = Path.Combine(_secrets, $"{name}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(settings));
        string[] host = ["dotnet", typeof(LadderHost).Assembly.Location, "ladder-host", role, file];
        var child = Pinned
            ? ChildProcess.Start(name, "taskset", ["-c", SystemCores, .. host], workingDirectory: AppContext.BaseDirectory)
            : ChildProcess.Start(name, host[0], host[1..], workingDirectory: AppContext.BaseDirectory);
        _children.Add(child);
        var started = Stopwatch.StartNew();
        await child.WaitUntilAsync(() => Task.FromResult(child.Tail().Contains(LadderHost.Ready, StringComparison.Ordinal)), TimeSpan.FromSeconds(120), _ => false);
        Console.WriteLine($"  {name} started in {started.Elapsed.TotalSeconds:F1} s (process {child.Id})");
        return child;
    }

    private static void Merge(Dictionary<string, string?> settings, Dictionary<string, string?> with)
    {
        foreach (var (key, value) in with)
        {
            settings[key] = value;
        }
    }

    /// <summary>The clients of one silo and gateway.</summary>
    public sealed record Clients(SubjectsClient App, SubjectsClient Staff, AccessClient Officer);
}
