using System.Collections.Concurrent;
using Custodian.Hosting;
using Custodian.Incidents;

namespace Custodian.Gateway.Routing;

/// <summary>
/// Where the gateway sends each grain call. A tenant's grains go to its writer region, as the witness says: its
/// rows are cached and refreshed every <see cref="PlacementOptions.RenewInterval"/> (only the rows changed lately,
/// and all of them now and then); a tenant without a row goes to its configured writer, and while the witness is
/// unreachable the cached rows stand. The provider's own grains go to the writer of tenant
/// <see cref="Incident.ProviderTenant"/>; a region's own grains (backups, keys, security reports, audit) to the
/// gateway's region unless a call names another. Reads go to the writer too: nothing is served from a replica.
/// A region the gateway has no connected client for is <see cref="RegionUnavailableException"/>, never a silent
/// fallback to its own region. When a writer refuses a call (the tenant moved), <see cref="RefreshAsync(IEnumerable{string}, CancellationToken)"/>
/// re-reads the tenants' rows at once, so that the next call goes to the new writer.
/// </summary>
public sealed partial class RegionRouter(RegionClients clients, PlacementOptions placement, WitnessTable witness, ILogger<RegionRouter> logger)
    : BackgroundService
{
    private const int FullRefreshEvery = 12;
    private static readonly TimeSpan FencedReadTimeout = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, TenantPlacementRow> _rows = new(StringComparer.Ordinal);
    private long _refreshes;
    private DateTimeOffset? _lastRead;
    private bool _witnessFailing;

    /// <summary>The gateway's own region.</summary>
    public string OwnRegion => clients.OwnRegion;

    /// <summary>Every region the gateway has a client for, its own first.</summary>
    public IReadOnlyList<string> Regions => clients.Regions;

    /// <summary>The placements the gateway has read from the witness, by tenant.</summary>
    public IReadOnlyCollection<TenantPlacementRow> Placements => [.. _rows.Values.OrderBy(r => r.Tenant, StringComparer.Ordinal)];

    /// <summary>When the gateway last read the witness, or null when it never could.</summary>
    public DateTimeOffset? WitnessReadAt => _lastRead;

    /// <summary>The placement options the routes follow.</summary>
    public PlacementOptions Placement => placement;

    /// <summary>The region that writes <paramref name="tenant"/>: the witness's word, else the configured writer; null when it has no placement.</summary>
    public string? WriterOf(string tenant) =>
        _rows.TryGetValue(tenant, out var row) && row.Writer.Length > 0 ? row.Writer : placement.HomeOf(tenant)?.Writer;

    /// <summary>The writer region of <paramref name="tenant"/> and its cluster's client; throws <see cref="RegionUnavailableException"/> when unreachable.</summary>
    public (string Region, IClusterClient Cluster) Writer(string tenant)
    {
        var writer = WriterOf(tenant)
            ?? throw new RegionUnavailableException(null, $"Tenant {tenant} has no placement: configure Placement:Tenants:{tenant}:Home (or Placement:DefaultHome).");
        return (writer, Route(writer, tenant));
    }

    /// <summary>The grain factory of <paramref name="tenant"/>'s writer region.</summary>
    public IGrainFactory Tenant(string tenant) => Writer(tenant).Cluster;

    /// <summary>The grain factory of the region that writes the provider's own grains (principals, grants, the registers).</summary>
    public IGrainFactory Provider() => Tenant(Incident.ProviderTenant);

    /// <summary>The client of <paramref name="region"/>'s cluster (the gateway's own when null), for that region's own grains.</summary>
    public IClusterClient Region(string? region = null) => Route(region ?? OwnRegion, tenant: null);

    /// <summary>
    /// The region a promotion of <paramref name="tenant"/> runs in: <paramref name="requested"/> when given, else the
    /// pair of the tenant's current writer; null when the tenant has no placement.
    /// </summary>
    public string? PromotingRegion(string tenant, string? requested) =>
        requested is { Length: > 0 } ? requested : WriterOf(tenant) is { } writer ? placement.PairOf(writer) : null;

    /// <summary>
    /// The region whose audit trail records <paramref name="call"/>: the one that serves it. That is the region the
    /// request names (a declared one), else the region that promotes the tenant for a promotion, else the tenant's
    /// writer; for a call without a tenant (or outside any call), the gateway's own region. Decided once per call.
    /// </summary>
    public string AuditRegionOf(GatewayCall? call) => call is null ? OwnRegion : call.AuditRegion(c =>
        c.Region is { } named && placement.Regions.ContainsKey(named) ? named
        : c.Tenant is not { } tenant ? OwnRegion
        : (c.ServedByPromotedRegion ? PromotingRegion(tenant, null) : WriterOf(tenant)) ?? OwnRegion);

    /// <summary>Re-reads the rows of <paramref name="tenants"/> now (a writer refused a call of theirs), within a short timeout.</summary>
    public async Task RefreshAsync(IEnumerable<string> tenants, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FencedReadTimeout);
        foreach (var tenant in tenants)
        {
            try
            {
                if (await witness.TenantAsync(tenant, timeout.Token) is { } row)
                {
                    Remember(row);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogFencedReadFailed(logger, tenant, e.GetType().Name);
                return;
            }
        }
    }

    /// <summary>Reads the witness once: every row now and then, else those changed lately. The loop calls this.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? since = _refreshes++ % FullRefreshEvery == 0 || _lastRead is null ? null : _lastRead - TimeSpan.FromMinutes(1);
        var started = DateTimeOffset.UtcNow;
        foreach (var row in await witness.TenantsAsync(since, cancellationToken))
        {
            Remember(row);
        }

        _lastRead = started;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(placement.RenewInterval);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
                if (_witnessFailing)
                {
                    _witnessFailing = false;
                    LogWitnessBack(logger);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Routes stay as cached; a tenant the gateway never saw goes to its configured writer.
                _refreshes = 0; // the next read that succeeds reads every row
                if (!_witnessFailing)
                {
                    _witnessFailing = true;
                    LogWitnessUnreachable(logger, e.GetType().Name);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
    }

    /// <summary>Keeps <paramref name="row"/> unless a row of a later epoch is cached already.</summary>
    private void Remember(TenantPlacementRow row)
    {
        TenantPlacementRow? before = null;
        var kept = _rows.AddOrUpdate(row.Tenant, row, (_, cached) =>
        {
            before = cached;
            return cached.Epoch > row.Epoch ? cached : row;
        });
        if (before is not null && kept == row && before.Writer != row.Writer)
        {
            LogMoved(logger, row.Tenant, before.Writer, row.Writer, row.Epoch);
        }
    }

    private IClusterClient Route(string region, string? tenant)
    {
        var cluster = clients.Get(region, tenant);
        GatewayCall.Current?.Routed(region, tenant);
        return cluster;
    }

    [LoggerMessage(3211, LogLevel.Warning, "The witness is not reachable ({Error}); tenants are routed as last read, or to their configured writer")]
    private static partial void LogWitnessUnreachable(ILogger logger, string error);

    [LoggerMessage(3212, LogLevel.Information, "The witness is reachable again; routes follow it")]
    private static partial void LogWitnessBack(ILogger logger);

    [LoggerMessage(3214, LogLevel.Information, "Tenant {Tenant} is routed to {Writer} from now on (was {Before}; epoch {Epoch})")]
    private static partial void LogMoved(ILogger logger, string tenant, string before, string writer, long epoch);

    [LoggerMessage(3213, LogLevel.Warning, "The placement of tenant {Tenant} could not be re-read after its writer refused a call ({Error})")]
    private static partial void LogFencedReadFailed(ILogger logger, string tenant, string error);
}
