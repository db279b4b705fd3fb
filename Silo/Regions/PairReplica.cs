using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Azure;
using Custodian.Hosting;
using Custodian.Security;
using Custodian.Silo.Storage;
using Custodian.Storage;
using Orleans.Storage;

namespace Custodian.Silo.Regions;

/// <summary>
/// This region's copy in its pair region: every state, data key and shred of the data this region writes
/// goes there before it is acknowledged. Only ciphertext and wrapped keys cross. When the pair cannot be
/// reached the item is put in the <see cref="ReplicationBacklog"/> (and its tenant marked degraded at the
/// witness) instead, and the write is still acknowledged; the backlog drains, shreds first, as soon as a
/// probe finds the pair again.
/// </summary>
public sealed partial class PairReplica(
    RegionFence fence,
    IGrainStorage ownStates,
    PairStates pairStates,
    DataKeyStore ownKeys,
    DataKeyStore pairKeys,
    ShredLedger ownLedger,
    ShredLedger pairLedger,
    ReplicationBacklog backlog,
    SecureStorageOptions storage,
    EnvelopeAuthenticity authenticity,
    IGrainFactory grains,
    IMeterFactory meters,
    ILogger<PairReplica> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int DrainParallelism = 16;
    private readonly BackgroundLoop _loop = new();
    private readonly Lock _drainGate = new();
    private volatile bool _pairReachable = true;
    private Task? _draining;
    private BacklogStatus _status = new(0, null, 0);
    private DateTimeOffset? _alertedFor;
    private Func<string, DateTimeOffset, CancellationToken, Task<int>>? _auditCopy;
    private Counter<long>? _drained;

    /// <summary>This region.</summary>
    public string Region => fence.Region;

    /// <summary>The pair region.</summary>
    public string Pair => fence.Pair;

    /// <summary>Whether the last call to the pair (or probe) reached it.</summary>
    public bool PairReachable => _pairReachable;

    /// <summary>The backlog as last counted: items, the oldest item's time, items drained so far.</summary>
    public BacklogStatus Status => _status;

    /// <summary>The audit store's copier for backlogged audit partitions (partition, backlogged since → rows copied).</summary>
    public void UseAuditCopier(Func<string, DateTimeOffset, CancellationToken, Task<int>> copy) => _auditCopy = copy;

    /// <summary>
    /// Copies one written envelope to the pair, only if it is newer there: returns the pair copy's ETag, or null
    /// when the pair is unreachable and the state was backlogged instead. Throws <see cref="RegionFencedException"/>
    /// when the pair holds a copy at the same or a newer (epoch, version): this write is stale and must fail.
    /// </summary>
    public async Task<string?> WriteStateAsync(PlacementScope scope, string stateName, GrainId grainId, EncryptedEnvelope envelope, string? pairETag)
    {
        if (!_pairReachable)
        {
            await BacklogAsync(scope, BacklogKind.State, StateItem(stateName, grainId));
            return null;
        }

        try
        {
            return await CopyStateAsync(stateName, grainId, envelope, pairETag) ?? throw Stale(scope, envelope);
        }
        catch (Exception e) when (Unreachable(e))
        {
            Lost(e);
            await BacklogAsync(scope, BacklogKind.State, StateItem(stateName, grainId));
            return null;
        }
    }

    /// <summary>
    /// The pair's copy of a state, for an activation to compare its own with: whether the pair answered, the copy's
    /// ETag (for the next write's compare) and its envelope (null when it has none).
    /// </summary>
    public async Task<PairCopy> PairCopyAsync(string stateName, GrainId grainId)
    {
        if (!_pairReachable)
        {
            return PairCopy.Unknown;
        }

        try
        {
            var held = new GrainState<EncryptedEnvelope>();
            await pairStates.ReadStateAsync(stateName, grainId, held);
            return new PairCopy(true, held.ETag, held.RecordExists ? held.State : null);
        }
        catch (Exception e) when (Unreachable(e))
        {
            Lost(e);
            return PairCopy.Unknown;
        }
    }

    /// <summary>Whether a state's write is in this region's backlog (it did not reach the pair yet).</summary>
    public Task<bool> BackloggedAsync(PlacementScope scope, string stateName, GrainId grainId) =>
        backlog.ContainsAsync(scope, BacklogKind.State, StateItem(stateName, grainId));

    /// <summary>Whether a shred of the grain has begun here and is not yet finished in both regions.</summary>
    public Task<bool> ShredPendingAsync(PlacementScope scope, string grainId) =>
        backlog.ContainsAsync(scope, BacklogKind.Shred, grainId);

    /// <summary>
    /// Makes sure the pair's key table holds the grain's data key (wrapped by the pair's KEK): a new key
    /// (<paramref name="created"/>) is added, an existing one looked up first and added when missing; with the
    /// pair unreachable the key is backlogged.
    /// </summary>
    public async Task CopyKeyAsync(PlacementScope scope, string grainId, DataKey key, bool created)
    {
        if (_pairReachable)
        {
            try
            {
                await pairKeys.AddCopyAsync(grainId, key, lookFirst: !created);
                return;
            }
            catch (Exception e) when (Unreachable(e))
            {
                Lost(e);
            }
        }

        await BacklogAsync(scope, BacklogKind.Key, grainId);
    }

    /// <summary>
    /// Destroys the grain's data key in the pair region; false when the pair is unreachable and the shred was
    /// backlogged (it is finished there, shreds first, when the pair returns).
    /// </summary>
    public async Task<bool> DestroyKeyAsync(PlacementScope scope, string grainId, string receiptId)
    {
        if (_pairReachable)
        {
            try
            {
                await pairKeys.DestroyAsync(grainId);
                return true;
            }
            catch (Exception e) when (Unreachable(e))
            {
                Lost(e);
            }
        }

        await BacklogAsync(scope, BacklogKind.Shred, grainId, receiptId);
        return false;
    }

    /// <summary>Records, in this region's backlog, that a shred of the grain has begun (not a degraded mark).</summary>
    public Task IntendShredAsync(PlacementScope scope, string grainId, string receiptId) =>
        backlog.AddAsync(scope, BacklogKind.Shred, grainId, receiptId);

    /// <summary>
    /// Writes a shred's tombstone row and receipt to the pair region; when that and the pair's key deletion
    /// (<paramref name="keyDestroyed"/>) both succeeded, the shred's intent leaves the backlog, else it stays
    /// there (the tenant marked degraded) for the drain to finish.
    /// </summary>
    public async Task RecordShredAsync(PlacementScope scope, ShredReceipt receipt, bool keyDestroyed)
    {
        if (_pairReachable)
        {
            try
            {
                await pairLedger.RecordAsync(receipt);
                if (keyDestroyed)
                {
                    await backlog.RemoveAsync(scope, BacklogKind.Shred, receipt.GrainId);
                    return;
                }
            }
            catch (Exception e) when (Unreachable(e))
            {
                Lost(e);
            }
        }

        await BacklogAsync(scope, BacklogKind.Shred, receipt.GrainId, receipt.ReceiptId);
    }

    /// <summary>Backlogs an audit partition whose newest segments did not reach the pair (<paramref name="cause"/>: the failure, if one was seen).</summary>
    public Task BacklogAuditAsync(string partition, Exception? cause = null)
    {
        if (cause is not null)
        {
            Lost(cause);
        }

        return BacklogAsync(PlacementScope.Region(Region), BacklogKind.Audit, partition);
    }

    /// <summary>Marks the pair unreachable after a failed call; the next probe decides when it is back.</summary>
    public void Lost(Exception cause)
    {
        if (_pairReachable)
        {
            _pairReachable = false;
            LogPairLost(logger, Pair, cause.GetType().Name);
        }
    }

    /// <summary>Whether a failure means the pair's storage could not be reached (rather than refused the request).</summary>
    public static bool Unreachable(Exception e) => e switch
    {
        RequestFailedException r => r.Status is 0 or 408 or >= 500,
        TableStorageUpdateConditionNotSatisfiedException => false,
        OperationCanceledException or TimeoutException or HttpRequestException or IOException or SocketException => true,
        AggregateException a => a.InnerExceptions.All(Unreachable),
        _ => e.InnerException is { } inner && Unreachable(inner),
    };

    /// <summary>
    /// One pass: probes the pair when it was lost, counts the backlog, drains it when the pair is reachable,
    /// clears the degraded mark of tenants left with nothing pending, and raises an alert once a backlog is
    /// older than <see cref="PlacementOptions.BacklogAlertAge"/>. Returns the items drained.
    /// </summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        if (!_pairReachable && await ProbeAsync(cancellationToken))
        {
            _pairReachable = true;
            LogPairBack(logger, Pair);
        }

        var items = await backlog.ItemsAsync(cancellationToken);
        var drained = 0;
        if (_pairReachable && items.Count > 0)
        {
            drained = await DrainAsync(items, cancellationToken);
            items = await backlog.ItemsAsync(cancellationToken);
        }

        _status = new BacklogStatus(items.Count, items.Count == 0 ? null : items.Min(i => i.FirstAt), _status.Drained + drained)
        {
            ByTenant = items.Where(i => !i.Scope.IsRegion).GroupBy(i => i.Scope.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
        };
        if (_pairReachable)
        {
            var pending = items.Where(i => !i.Scope.IsRegion).Select(i => i.Scope.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var tenant in fence.Tenants.Where(t => t.Degraded && t.Writer == Region && !pending.Contains(t.Tenant)))
            {
                await fence.SetDegradedAsync(tenant.Tenant, false);
            }
        }

        await AlertWhenOldAsync();
        return drained;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PairReplica), ServiceLifecycleStage.ApplicationServices, async ct =>
        {
            _drained = Gauges(meters, () => _status, () => _pairReachable)
                .CreateCounter<long>("custodian.replication.drained", "{item}", "Backlog items copied to the pair region");
            await backlog.InitializeAsync(ct);
            try
            {
                await InitializePairAsync(ct);
            }
            catch (Exception e) when (Unreachable(e))
            {
                Lost(e); // the silo starts degraded; the loop finds the pair when it returns
            }

            _loop.Start(LoopAsync);
        }, async _ => await _loop.DisposeAsync());

    /// <summary>Runs one pass now (tests and the resync call use it), or waits for the one under way.</summary>
    public Task<int> DrainNowAsync(CancellationToken cancellationToken)
    {
        lock (_drainGate)
        {
            if (_draining is { IsCompleted: false } running)
            {
                return running.ContinueWith(_ => 0, TaskScheduler.Default);
            }

            var pass = TickAsync(cancellationToken);
            _draining = pass;
            return pass;
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(fence.Options.RenewInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default))
        {
            try
            {
                await DrainNowAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogTickFailed(logger, e.GetType().Name);
            }
        }
    }

    private async Task<int> DrainAsync(List<BacklogItem> items, CancellationToken cancellationToken)
    {
        // Kind by kind, shreds first; the items of one kind are independent and go DrainParallelism at a time.
        var drained = 0;
        foreach (var kind in items.GroupBy(i => i.Kind).OrderBy(g => g.Key))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                await Parallel.ForEachAsync(kind, new ParallelOptions { MaxDegreeOfParallelism = DrainParallelism, CancellationToken = stop.Token }, async (item, ct) =>
                {
                    try
                    {
                        if (!await ApplyAsync(item, ct))
                        {
                            return;
                        }
                    }
                    catch (Exception e) when (Unreachable(e) && !cancellationToken.IsCancellationRequested)
                    {
                        Lost(e);
                        await stop.CancelAsync(); // the pair went away again: the rest waits for the next pass
                        return;
                    }

                    if (await backlog.RemoveAsync(item))
                    {
                        Interlocked.Increment(ref drained);
                        _drained?.Add(1);
                    }
                });
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (!_pairReachable)
            {
                break;
            }
        }

        return drained;
    }

    /// <summary>Copies one item to the pair; false when it cannot be applied yet (it stays in the backlog).</summary>
    private async Task<bool> ApplyAsync(BacklogItem item, CancellationToken cancellationToken)
    {
        // Only the writer copies its data to the pair: a tenant promoted away from this region keeps its
        // backlog here, as the loss its promotion named. A shred is the exception: an erasure always wins.
        if (item.Kind != BacklogKind.Shred && !await StillWriterAsync(item.Scope))
        {
            return false;
        }

        switch (item.Kind)
        {
            case BacklogKind.Shred:
                await pairKeys.DestroyAsync(item.Item);
                if (await ownLedger.GetReceiptAsync(item.Detail) is { } receipt)
                {
                    var done = receipt with { StoresCleared = [.. ShredLedger.StoresCleared(Pair, storage.KeyTable, storage.StateTable), .. receipt.StoresCleared.Where(s => !s.StartsWith(Pair + ":", StringComparison.Ordinal))] };
                    await pairLedger.RecordAsync(done);
                    await ownLedger.RecordAsync(done);
                }

                break;
            case BacklogKind.Key:
                if (await ownKeys.FindAsync(item.Item) is { } key)
                {
                    try
                    {
                        await pairKeys.AddCopyAsync(item.Item, key);
                    }
                    finally
                    {
                        key.Destroy();
                    }
                }

                break;
            case BacklogKind.State:
                var (stateName, grainId) = ParseStateItem(item.Item);
                var own = new GrainState<EncryptedEnvelope>();
                await ownStates.ReadStateAsync(stateName, grainId, own);
                if (own.RecordExists && own.State is { } envelope)
                {
                    if (await authenticity.IsAuthenticAsync(envelope, grainId.ToString(), stateName))
                    {
                        // The pair may meanwhile hold the same or a newer copy (a later write replicated directly).
                        await CopyStateAsync(stateName, grainId, envelope, null);
                    }
                    else
                    {
                        // Never copied over the pair's: the activation refuses this copy, and a resync repairs it from the pair's.
                        LogNotCopied(logger, grainId.ToString(), stateName);
                    }
                }

                break;
            case BacklogKind.Audit:
                if (_auditCopy is not { } copy)
                {
                    return false; // the audit store has not started in this silo yet
                }

                await copy(item.Item, item.FirstAt, cancellationToken);
                break;
        }

        return true;
    }

    private async Task<bool> StillWriterAsync(PlacementScope scope)
    {
        try
        {
            await fence.AuthorizeAsync(scope);
            return true;
        }
        catch (RegionFencedException)
        {
            return false;
        }
    }

    /// <summary>Writes the envelope to the pair unless the pair's copy is as new or newer; null then.</summary>
    private async Task<string?> CopyStateAsync(string stateName, GrainId grainId, EncryptedEnvelope envelope, string? pairETag)
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            try
            {
                var copy = new GrainState<EncryptedEnvelope>(envelope, pairETag) { RecordExists = pairETag is not null };
                await pairStates.WriteStateAsync(stateName, grainId, copy);
                return copy.ETag;
            }
            catch (InconsistentStateException)
            {
                // The pair's copy changed since we last saw it: compare versions, then retry on its ETag.
                var held = new GrainState<EncryptedEnvelope>();
                await pairStates.ReadStateAsync(stateName, grainId, held);
                // Only an authentic copy can make this write stale: one that fails its check (planted to block writes) is replaced.
                if (held.RecordExists && held.State is { } theirs && !Newer(envelope, theirs) && await authenticity.IsAuthenticAsync(theirs, grainId.ToString(), stateName))
                {
                    return null;
                }

                pairETag = held.RecordExists ? held.ETag : null;
            }
        }

        throw new InconsistentStateException($"The pair's copy of a state of grain {grainId} kept changing; the write was not replicated.");
    }

    /// <summary>Whether <paramref name="mine"/> is newer than <paramref name="theirs"/> by (epoch, version).</summary>
    public static bool Newer(EncryptedEnvelope mine, EncryptedEnvelope theirs) =>
        mine.Epoch > theirs.Epoch || (mine.Epoch == theirs.Epoch && mine.Version > theirs.Version);

    private RegionFencedException Stale(PlacementScope scope, EncryptedEnvelope envelope) =>
        new($"A newer copy of a state of {scope} exists in region {Pair}; this write (epoch {envelope.Epoch}, version {envelope.Version}) is stale and was refused.");

    private async Task BacklogAsync(PlacementScope scope, BacklogKind kind, string item, string detail = "")
    {
        await backlog.AddAsync(scope, kind, item, detail);
        if (!scope.IsRegion && !(await fence.TenantAsync(scope.Name)).Degraded)
        {
            // Recorded before the write is acknowledged: a tenant with a backlog is never promoted automatically.
            await fence.SetDegradedAsync(scope.Name, true);
        }
    }

    private async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InitializePairAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (Unreachable(e) && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task InitializePairAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(fence.Options.PairTimeout);
        // The key and ledger tables first: they fail quietly while the pair is away, where the state provider's
        // own start logs an error with a stack trace on every probe.
        await pairKeys.InitializeAsync(timeout.Token);
        await pairLedger.InitializeAsync(timeout.Token);
        await pairStates.InitializeAsync(timeout.Token);
    }

    private async Task AlertWhenOldAsync()
    {
        if (_status.Oldest is not { } oldest || DateTimeOffset.UtcNow - oldest < fence.Options.BacklogAlertAge || _alertedFor == oldest)
        {
            return;
        }

        _alertedFor = oldest;
        await grains.GetGrain<ISecurityAlertsGrain>(Region).RaiseAsync(
            SecurityRuleNames.ReplicationBacklog, $"custodian:silo/{Region}", DateTimeOffset.UtcNow,
            $"{_status.Items} item(s) not replicated to {Pair}, the oldest since {oldest:O}");
    }

    private static Meter Gauges(IMeterFactory meters, Func<BacklogStatus> status, Func<bool> reachable)
    {
        var meter = meters.Create("Custodian.Replication");
        meter.CreateObservableGauge("custodian.replication.backlog.items", () => status().Items, "{item}", "Writes not yet replicated to the pair region");
        meter.CreateObservableGauge("custodian.replication.backlog.oldest_age", () => status().Oldest is { } oldest ? (DateTimeOffset.UtcNow - oldest).TotalSeconds : 0, "s", "Age of the oldest write not yet replicated");
        meter.CreateObservableGauge("custodian.replication.pair_reachable", () => reachable() ? 1 : 0, description: "1 while the pair region's storage answers");
        return meter;
    }

    internal static string StateItem(string stateName, GrainId grainId) => $"{stateName}|{grainId}";

    internal static (string StateName, GrainId GrainId) ParseStateItem(string item)
    {
        var bar = item.IndexOf('|', StringComparison.Ordinal);
        return (item[..bar], GrainId.Parse(item[(bar + 1)..]));
    }

    [LoggerMessage(5211, LogLevel.Warning, "The pair region {Pair} is unreachable ({Error}); writes continue with a backlog")]
    private static partial void LogPairLost(ILogger logger, string pair, string error);

    [LoggerMessage(5212, LogLevel.Information, "The pair region {Pair} is reachable again; draining the backlog")]
    private static partial void LogPairBack(ILogger logger, string pair);

    [LoggerMessage(5214, LogLevel.Error, "The backlogged state {StateName} of grain {GrainId} fails its integrity check here and was not copied to the pair")]
    private static partial void LogNotCopied(ILogger logger, string grainId, string stateName);

    [LoggerMessage(5213, LogLevel.Warning, "A replication pass failed ({Error}); the next one retries")]
    private static partial void LogTickFailed(ILogger logger, string error);
}

/// <summary>What the pair region held of a state when asked: <see cref="Read"/> false when it could not be asked.</summary>
public sealed record PairCopy(bool Read, string? ETag, EncryptedEnvelope? Envelope)
{
    /// <summary>The pair could not be asked (unreachable).</summary>
    public static PairCopy Unknown { get; } = new(false, null, null);
}

/// <summary>The backlog as last counted: pending items, the oldest one's time, and items drained since start.</summary>
public sealed record BacklogStatus(int Items, DateTimeOffset? Oldest, long Drained)
{
    /// <summary>Items per tenant (a region's own items are not among them).</summary>
    public IReadOnlyDictionary<string, int> ByTenant { get; init; } = new Dictionary<string, int>();
}
