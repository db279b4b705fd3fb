using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Custodian.Gateway.Routing;

/// <summary>
/// The gateway's Orleans clients, one per region it can serve: its own region's (the host's
/// <see cref="IClusterClient"/>, started with the host) and one for each region named by a connection string
/// <c>ConnectionStrings:Storage-&lt;region&gt;</c>, each in a host of its own (Orleans keeps one client per
/// service provider). Those start in the background: a region that is down neither delays nor stops the
/// gateway, and a call to it fails UNAVAILABLE naming it until its client is connected.
/// </summary>
public sealed partial class RegionClients : IHostedService, IAsyncDisposable
{
    /// <summary>The prefix of the connection strings of the other regions' storage accounts (membership of their clusters).</summary>
    public const string ConnectionStringPrefix = "Storage-";

    private readonly IClusterClient _own;
    private readonly Dictionary<string, Remote> _remotes;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger<RegionClients> _logger;
    private int _disposed;

    internal RegionClients(
        IClusterClient own, string ownRegion, IReadOnlyDictionary<string, string> remotes, ClusterClientSettings settings, ILoggerFactory loggers)
    {
        _own = own;
        OwnRegion = ownRegion;
        _logger = loggers.CreateLogger<RegionClients>();
        _remotes = remotes.ToDictionary(r => r.Key, r => new Remote(r.Key, BuildHost(r.Key, r.Value, settings, loggers)), StringComparer.Ordinal);
        Regions = [ownRegion, .. _remotes.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>The gateway's own region.</summary>
    public string OwnRegion { get; }

    /// <summary>Every region the gateway has a client for, its own first.</summary>
    public IReadOnlyList<string> Regions { get; }

    /// <summary>Whether the gateway has a client for <paramref name="region"/> (connected or not).</summary>
    public bool Has(string region) => region == OwnRegion || _remotes.ContainsKey(region);

    /// <summary>Whether <paramref name="region"/>'s client is connected (the own region's is, once the gateway runs).</summary>
    public bool IsConnected(string region) => region == OwnRegion || (_remotes.TryGetValue(region, out var remote) && remote.Connected);

    /// <summary>
    /// The client of <paramref name="region"/>'s cluster; <see cref="RegionUnavailableException"/> when the gateway
    /// has none or it is not connected yet, naming the region (and <paramref name="tenant"/>, when the call needs the
    /// region because it writes that tenant).
    /// </summary>
    public IClusterClient Get(string region, string? tenant = null)
    {
        if (region == OwnRegion)
        {
            return _own;
        }

        var why = tenant is null ? "This gateway" : $"Tenant {tenant} is written in region {region}, and this gateway";
        if (!_remotes.TryGetValue(region, out var remote))
        {
            throw new RegionUnavailableException(region,
                $"{why} has no client for region {region} (ConnectionStrings:{ConnectionStringPrefix}{region} is not set); call a gateway that serves {region}.");
        }

        return remote.Connected
            ? remote.Client
            : throw new RegionUnavailableException(region, $"{why} is not connected to the cluster of region {region} yet; retry later.");
    }

    /// <summary>Starts connecting to every other region, in the background.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var remote in _remotes.Values)
        {
            remote.Starting = ConnectAsync(remote, _stopping.Token);
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops connecting; the connected clients stay until the gateway is disposed, so the last audit records can still be stored through them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_remotes.Values.Select(r => r.Starting ?? Task.CompletedTask)).WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as a singleton and as a hosted service, the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        foreach (var remote in _remotes.Values)
        {
            if (remote.Starting is { } starting)
            {
                await starting;
            }

            try
            {
                if (remote.Connected)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await remote.Host.StopAsync(timeout.Token);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogStopFailed(_logger, remote.Region, e.GetType().Name);
            }

            remote.Host.Dispose();
        }

        _stopping.Dispose();
    }

    private async Task ConnectAsync(Remote remote, CancellationToken cancellationToken)
    {
        await Task.Yield(); // never on the caller's start-up path
        try
        {
            // The client retries (ClusterConnectRetry) until the cluster answers or the gateway stops.
            await remote.Host.StartAsync(cancellationToken);
            remote.Connected = true;
            LogConnected(_logger, remote.Region);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The gateway stopped before the region answered.
        }
        catch (Exception e)
        {
            LogConnectFailed(_logger, remote.Region, e.GetType().Name);
        }
    }

    private static IHost BuildHost(string region, string connectionString, ClusterClientSettings settings, ILoggerFactory loggers)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(loggers); // the gateway's logging, so its logs show this client's too
        builder.Services.TryAdd(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Logger<>)));
        builder.Services.AddSingleton<IHostLifetime, GatewayOwnedLifetime>();
        builder.UseOrleansClient(client => settings.Configure(client, region, connectionString));
        return builder.Build();
    }

    [LoggerMessage(3201, LogLevel.Information, "Connected to the cluster of region {Region}")]
    private static partial void LogConnected(ILogger logger, string region);

    [LoggerMessage(3202, LogLevel.Error, "The client of region {Region} could not start ({Error}); calls to the region fail until the gateway restarts")]
    private static partial void LogConnectFailed(ILogger logger, string region, string error);

    [LoggerMessage(3203, LogLevel.Warning, "The client of region {Region} did not stop cleanly ({Error})")]
    private static partial void LogStopFailed(ILogger logger, string region, string error);

    /// <summary>One other region's client, in a host of its own.</summary>
    private sealed class Remote(string region, IHost host)
    {
        private volatile bool _connected;

        public string Region { get; } = region;

        public IHost Host { get; } = host;

        public IClusterClient Client { get; } = host.Services.GetRequiredService<IClusterClient>();

        public Task? Starting { get; set; }

        public bool Connected
        {
            get => _connected;
            set => _connected = value;
        }
    }

    /// <summary>A client host's lifetime is the gateway's: it listens to no console signal of its own.</summary>
    private sealed class GatewayOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
