using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Custodian.Hosting;
using Custodian.Regions;
using Custodian.Storage;

namespace Custodian.Silo.Regions;

/// <summary>
/// Decides whether this region may read or write a grain's data, from what the witness holds: the region
/// writes a tenant's data only while it is the tenant's writer (at the epoch it then puts into every
/// envelope) and holds an unexpired lease, less <see cref="PlacementOptions.ClockSkewMargin"/>. The lease is
/// renewed once per region, not per tenant, every <see cref="PlacementOptions.RenewInterval"/>; the validity
/// is counted on this machine's monotonic clock from before each renewal was sent, so a slow answer only
/// shortens it. A renewal is sent only after the region's own storage answered a read: a region that lost
/// its storage lets its lease run out, and its pair takes its tenants over. The tenants' rows are cached
/// and refreshed with every renewal.
/// </summary>
public sealed partial class RegionFence(
    PlacementOptions options, string region, string holder, WitnessTable witness, TableClient ownStorage, ILogger<RegionFence> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IRegionRole, IAsyncDisposable
{
    private readonly BackgroundLoop _loop = new();
    private readonly ConcurrentDictionary<string, TenantPlacementRow> _tenants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _handingOver = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _reread = new(StringComparer.Ordinal);
    private const int FullRefreshEvery = 12;
    private long _renewals;
    private DateTimeOffset _lastRefresh;
    private long _leaseUntil = long.MinValue; // Environment.TickCount64 when the lease (less the margin) runs out

    /// <summary>This region.</summary>
    public string Region { get; } = region;

    /// <summary>This region's pair.</summary>
    public string Pair { get; } = options.PairOf(region) ?? throw new InvalidOperationException($"Region {region} is not declared in Placement:Regions.");

    /// <summary>The placement options the fence enforces.</summary>
    public PlacementOptions Options => options;

    /// <summary>Whether the region holds its lease right now (with the safety margin).</summary>
    public bool HoldsLease => Environment.TickCount64 < Volatile.Read(ref _leaseUntil);

    /// <summary>How long the lease (less the margin) still lasts; zero when it ran out.</summary>
    public TimeSpan LeaseRemaining => TimeSpan.FromMilliseconds(Math.Max(0, Volatile.Read(ref _leaseUntil) - Environment.TickCount64));

    /// <summary>The cached placements of every tenant this region has seen.</summary>
    public IReadOnlyCollection<TenantPlacementRow> Tenants => [.. _tenants.Values];

    /// <summary>
    /// Allows a read or write of <paramref name="scope"/>'s data in this region, or throws
    /// <see cref="RegionFencedException"/>. Returns the epoch the write is made at (0 for a region's own data).
    /// </summary>
    public async ValueTask<long> AuthorizeAsync(PlacementScope scope)
    {
        if (!HoldsLease)
        {
            throw new RegionFencedException($"Region {Region} does not hold its lease at the witness; it writes nothing until it renews it.");
        }

        if (scope.IsRegion)
        {
            return scope.Name == Region
                ? 0
                : throw new RegionFencedException($"The data of region {scope.Name} is written in region {scope.Name} only, not in {Region}.");
        }

        if (_handingOver.ContainsKey(scope.Name))
        {
            throw new RegionFencedException($"Tenant {scope.Name} is being handed over from region {Region} to its pair; try again in a moment.");
        }

        var row = _tenants.TryGetValue(scope.Name, out var cached) ? cached : await LoadAsync(scope.Name);
        if (row.Writer != Region && await RereadAsync(scope.Name) is { } fresh)
        {
            row = fresh; // it may have just been handed to this region (a failback): the cache lags by up to a renewal
        }

        if (row.Writer != Region)
        {
            throw new RegionFencedException($"Tenant {scope.Name} is written in region {row.Writer} (epoch {row.Epoch}), not in {Region}.");
        }

        return row.Epoch;
    }

    public async ValueTask<bool> WritesAsync(GrainId grainId)
    {
        try
        {
            await AuthorizeAsync(PlacementScope.Of(grainId, Region));
            return true;
        }
        catch (RegionFencedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads a tenant's row at the witness again, at most once a second per tenant (a refusal is on the path of a call
    /// that will be refused anyway); null when it was read less than a second ago or the witness does not answer.
    /// </summary>
    private async ValueTask<TenantPlacementRow?> RereadAsync(string tenant)
    {
        var now = Environment.TickCount64;
        if (_reread.TryGetValue(tenant, out var last) && now - last < 1000)
        {
            return null;
        }

        _reread[tenant] = now;
        try
        {
            if (await witness.TenantAsync(tenant) is { } row)
            {
                _tenants[tenant] = row;
                return row;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The witness does not answer: the cached row stands, and the call is refused by it.
        }

        return null;
    }

    /// <summary>The tenant's placement (cached, else from the witness, created there from configuration on first use).</summary>
    public async ValueTask<TenantPlacementRow> TenantAsync(string tenant) =>
        _tenants.TryGetValue(tenant, out var cached) ? cached : await LoadAsync(tenant);

    /// <summary>Stops this silo's reads and writes of <paramref name="tenant"/> while its writer changes (a failback).</summary>
    public void BeginHandover(string tenant) => _handingOver[tenant] = 0;

    /// <summary>Ends <see cref="BeginHandover"/>.</summary>
    public void EndHandover(string tenant) => _handingOver.TryRemove(tenant, out _);

    /// <summary>Caches a placement this region just changed at the witness.</summary>
    public void Remember(TenantPlacementRow row) => _tenants[row.Tenant] = row;

    /// <summary>Marks a tenant degraded (its pair unreachable, a backlog kept) or healthy again at the witness.</summary>
    public async Task SetDegradedAsync(string tenant, bool degraded)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var row = await witness.TenantAsync(tenant) ?? await LoadAsync(tenant);
            if (row.Degraded == degraded)
            {
                _tenants[tenant] = row;
                return;
            }

            var next = row with { Degraded = degraded, DegradedSince = degraded ? DateTimeOffset.UtcNow : null };
            if (await witness.TryReplaceAsync(row, next) is { } stored)
            {
                _tenants[tenant] = stored;
                LogDegraded(logger, tenant, degraded);
                return;
            }
        }

        throw new InvalidOperationException($"The placement of tenant {tenant} kept changing; its degraded mark was not set.");
    }

    /// <summary>Renews the lease and refreshes the cached placements once; the loop calls this.</summary>
    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        var sent = Environment.TickCount64;
        await ProbeOwnStorageAsync(cancellationToken);
        await witness.RenewLeaseAsync(Region, holder, DateTimeOffset.UtcNow + options.LeaseDuration, cancellationToken);
        Volatile.Write(ref _leaseUntil, sent + (long)(options.LeaseDuration - options.ClockSkewMargin).TotalMilliseconds);
        // The tenants' rows: every one now and then, else only those the witness changed lately (its own
        // timestamps, with a minute's slack for its clock), so a renewal stays small with many tenants.
        DateTimeOffset? since = _renewals++ % FullRefreshEvery == 0 ? null : _lastRefresh - TimeSpan.FromMinutes(1);
        _lastRefresh = DateTimeOffset.UtcNow;
        foreach (var row in await witness.TenantsAsync(since, cancellationToken))
        {
            _tenants[row.Tenant] = row;
        }
    }

    /// <summary>One read of the region's own storage account; any answer of the account counts, no answer throws.</summary>
    private async Task ProbeOwnStorageAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.PairTimeout);
        try
        {
            await ownStorage.GetEntityIfExistsAsync<TableEntity>("probe", "lease", cancellationToken: timeout.Token);
        }
        catch (RequestFailedException e) when (e.Status is >= 400 and < 500)
        {
            // The account answered (e.g. the table does not exist yet): it is there.
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RegionFence), ServiceLifecycleStage.ApplicationServices - 1, async ct =>
        {
            if (options.LeaseDuration <= options.ClockSkewMargin + options.RenewInterval)
            {
                throw new InvalidOperationException("Placement:LeaseDuration must exceed Placement:ClockSkewMargin plus Placement:RenewInterval, or the lease lapses between renewals.");
            }

            // The silo does not start without its lease: it could write nothing.
            await witness.InitializeAsync(ct);
            await RenewAsync(ct);
            _loop.Start(LoopAsync);
        }, async _ => await StopAsync());

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StopAsync() => await _loop.DisposeAsync();

    private async Task<TenantPlacementRow> LoadAsync(string tenant)
    {
        if (options.HomeOf(tenant) is not { } home)
        {
            throw new RegionFencedException($"Tenant {tenant} has no placement: configure Placement:Tenants:{tenant}:Home (or Placement:DefaultHome).");
        }

        if (!home.Pair.Contains(Region, StringComparer.Ordinal))
        {
            throw new RegionFencedException($"Tenant {tenant} lives in {string.Join(" and ", home.Pair)}, not in region {Region}.");
        }

        var row = await witness.EnsureTenantAsync(tenant, string.Join(',', home.Pair), home.Writer);
        return _tenants.GetOrAdd(tenant, row);
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.RenewInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default))
        {
            try
            {
                await RenewAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Writes stop by themselves once the lease (less the margin) runs out.
                LogRenewFailed(logger, Region, e.GetType().Name, LeaseRemaining);
            }
        }
    }

    [LoggerMessage(5201, LogLevel.Warning, "Region {Region} could not renew its lease at the witness ({Error}); it stops writing in {Remaining}")]
    private static partial void LogRenewFailed(ILogger logger, string region, string error, TimeSpan remaining);

    [LoggerMessage(5202, LogLevel.Warning, "Tenant {Tenant} degraded: {Degraded}")]
    private static partial void LogDegraded(ILogger logger, string tenant, bool degraded);
}
