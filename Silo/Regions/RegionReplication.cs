using System.Collections.Immutable;
using Azure;
using Azure.Data.Tables;
using Custodian.Hosting;
using Custodian.Regions;
using Custodian.Silo.Storage;
using Custodian.Storage;

namespace Custodian.Silo.Regions;

/// <summary>
/// The silo's side of <see cref="IRegionsGrain"/>: the status from the fence and the replica, and the
/// resynchronisation of one tenant. A resync first drains the backlog, then compares this region's rows
/// with the pair's, table by table, and copies to the pair what is missing or older there (states by
/// their envelope's (epoch, version); data keys unwrapped here and wrapped for the pair's KEK; tombstones,
/// receipts and this region's audit rows as stored). States are authenticated on both sides first (the
/// envelope opens under the grain's key, or the tombstone's MAC holds): a copy that does not is never
/// copied anywhere, and this region's copy is repaired from the pair's when the pair holds an authentic
/// later write made here (this region's was rolled back) or this region's is missing or fails its check.
/// Any other row newer in the pair, or found only there, is reported and left: a resync never deletes
/// data, except a data key the pair still holds for a grain this region has shredded.
/// </summary>
internal sealed partial class RegionReplication(
    RegionFence fence,
    PairReplica replica,
    RegionStores stores,
    WitnessTable witness,
    SecureStorageOptions storage,
    DataKeyStore ownKeys,
    [FromKeyedServices(SecureStorageExtensions.Pair)] DataKeyStore pairKeys,
    EnvelopeAuthenticity authenticity,
    Microsoft.Extensions.Options.IOptions<Orleans.Configuration.ClusterOptions> cluster,
    ILogger<RegionReplication> logger) : IRegionReplication
{
    private const string AuditTable = "CustodianAudit";

    public Task<RegionStatus> StatusAsync()
    {
        var backlog = replica.Status;
        return Task.FromResult(new RegionStatus(
            fence.Region,
            fence.Pair,
            fence.Options.ZoneOf(fence.Region) ?? "",
            fence.HoldsLease,
            fence.LeaseRemaining,
            replica.PairReachable,
            backlog.Items,
            backlog.Oldest,
            backlog.Drained,
            [.. fence.Tenants.OrderBy(t => t.Tenant, StringComparer.Ordinal)
                .Select(t => new TenantPlacementStatus(t.Tenant, t.Home, t.Writer, t.Epoch, t.Degraded, t.DegradedSince,
                    t.MovedAt, t.MovedFrom, t.MoveReason, backlog.ByTenant.GetValueOrDefault(t.Tenant)))]));
    }

    public async Task<ResyncReport> ResyncAsync(string tenant, string? kind = null)
    {
        var placement = await fence.TenantAsync(tenant);
        if (placement.Writer != fence.Region)
        {
            throw new RegionFencedException($"Tenant {tenant} is written in region {placement.Writer}; resynchronise it there.");
        }

        await replica.DrainNowAsync(CancellationToken.None);
        if (!replica.PairReachable)
        {
            throw new RegionFencedException($"The pair region {fence.Pair} is unreachable; resynchronise tenant {tenant} once it is back.");
        }

        var scope = PlacementScope.Tenant(tenant);
        bool Mine(string? grainId) => grainId is not null && PlacementScope.Of(GrainId.Parse(grainId), fence.Region) == scope;
        var counts = ImmutableArray.CreateBuilder<ResyncCount>();
        foreach (var next in kind is null ? ResyncReport.Kinds : [kind])
        {
            counts.Add(next switch
            {
                "states" => await StatesAsync(row => Mine(TableRows.EnvelopeOf(row)?["grain"]?.GetValue<string>()), placement.Epoch),
                "keys" => await KeysAsync(Mine),
                "tombstones" => await MirrorAsync(next, storage.TombstoneTable, row => Mine(Uri.UnescapeDataString(row.RowKey)), null),
                "receipts" => await MirrorAsync(next, storage.ReceiptTable, row => Mine(row.GetString("GrainId")), null),
                "audit" => await MirrorAsync(next, AuditTable, row => row.PartitionKey.StartsWith(fence.Region + "-", StringComparison.Ordinal), null),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a kind of copy"),
            });
        }

        var report = new ResyncReport(tenant, fence.Region, fence.Pair, counts.ToImmutable());
        LogResynced(logger, tenant, fence.Pair, string.Join(", ", report.Counts.Select(c => $"{c.Kind} {c.Repaired}/{c.Compared}")));
        return report;
    }

    public async Task<PromotionResult> PromoteAsync(string tenant, string reason)
    {
        var row = await witness.TenantAsync(tenant);
        PromotionResult Refused(string why) => new(tenant, row?.Writer ?? "", fence.Region, row?.Epoch ?? 0, "", why);
        if (row is null || !row.LivesIn(fence.Region))
        {
            return Refused($"tenant {tenant} does not live in region {fence.Region}");
        }

        if (row.Writer == fence.Region)
        {
            return Refused($"region {fence.Region} already writes tenant {tenant} (epoch {row.Epoch})");
        }

        // The old writer stops by itself before its lease (less the margin) ends; past the lease plus the margin
        // no clock difference within the margin lets it write again.
        var lease = await witness.LeaseOfAsync(row.Writer);
        var safeFrom = (lease ?? DateTimeOffset.MinValue) + fence.Options.ClockSkewMargin;
        if (lease is not null && DateTimeOffset.UtcNow < safeFrom)
        {
            return Refused($"{row.Writer} still holds its lease (until {lease:O}, plus the {fence.Options.ClockSkewMargin.TotalSeconds:F0} s margin); it may still be writing");
        }

        var loss = row.Degraded
            ? $"writes to tenant {tenant} that {row.Writer} acknowledged since {row.DegradedSince:O} and had not replicated to {fence.Region}; they stay in {row.Writer}'s backlog (shreds among them are still applied here when it returns)"
            : "none: every write was replicated";
        var next = row with
        {
            Writer = fence.Region,
            Epoch = row.Epoch + 1,
            Degraded = false,
            DegradedSince = null,
            MovedAt = DateTimeOffset.UtcNow,
            MovedFrom = row.Writer,
            MoveReason = "promote: " + reason,
            MoveAcknowledged = null,
        };
        if (await witness.TryReplaceAsync(row, next) is not { } stored)
        {
            return Refused($"the placement of tenant {tenant} changed meanwhile; look at it again");
        }

        fence.Remember(stored);
        LogPromoted(logger, tenant, row.Writer, fence.Region, stored.Epoch);
        return new PromotionResult(tenant, row.Writer, fence.Region, stored.Epoch, loss);
    }

    public async Task<PromotionResult> FailbackAsync(string tenant, string reason)
    {
        var row = await witness.TenantAsync(tenant);
        var target = fence.Options.HomeOf(tenant)?.Writer;
        PromotionResult Refused(string why) => new(tenant, fence.Region, target ?? "", row?.Epoch ?? 0, "", why);
        if (row is null || row.Writer != fence.Region)
        {
            return Refused($"tenant {tenant} is written in {row?.Writer ?? "no region"}, not in {fence.Region}: fail it back from its writer");
        }

        if (target is null || target == fence.Region)
        {
            return Refused($"tenant {tenant} already sits at its configured writer {fence.Region}");
        }

        if (target != fence.Pair)
        {
            return Refused($"tenant {tenant}'s configured writer {target} is not {fence.Region}'s pair");
        }

        var lease = await witness.LeaseOfAsync(target);
        if (lease is not { } until || DateTimeOffset.UtcNow > until)
        {
            return Refused($"{target} does not hold its lease at the witness: it is not running, so it cannot take the tenant back");
        }

        if (row.MovedAt is not null && !row.MoveAcknowledgedBy(target))
        {
            return Refused($"{target} has not yet recorded that it gave tenant {tenant} up (it does within seconds of coming back, and drops what it held in memory); try again shortly");
        }

        // No read or write of the tenant here while the copies are compared and the writer changes, so that
        // what is compared is what the new writer starts from (clients see UNAVAILABLE and retry).
        fence.BeginHandover(tenant);
        try
        {
            ResyncReport check;
            try
            {
                await ResyncAsync(tenant);
                check = await ResyncAsync(tenant);
            }
            catch (RegionFencedException e)
            {
                return Refused(e.Message);
            }

            var differ = check.Counts.Where(c => c.Repaired > 0 || c.Left > c.OnlyInPair).ToList();
            if (differ.Count > 0)
            {
                return Refused($"the copies still differ after resynchronising: {string.Join("; ", differ.Select(c => $"{c.Kind}: {c.Repaired} repaired, {c.Left} left ({c.Note})"))}");
            }

            var next = row with
            {
                Writer = target,
                Epoch = row.Epoch + 1,
                MovedAt = DateTimeOffset.UtcNow,
                MovedFrom = fence.Region,
                MoveReason = "failback: " + reason,
                MoveAcknowledged = null,
            };
            if (await witness.TryReplaceAsync(row, next) is not { } stored)
            {
                return Refused($"the placement of tenant {tenant} changed meanwhile; look at it again");
            }

            fence.Remember(stored);
            var only = check.Counts.Sum(c => c.OnlyInPair);
            LogFailedBack(logger, tenant, fence.Region, target, stored.Epoch, only);
            return new PromotionResult(tenant, fence.Region, target, stored.Epoch,
                only == 0 ? "none: the copies were identical" : $"none acknowledged: {only} row(s) only in {target}, written there under an earlier epoch and never acknowledged, stay there");
        }
        finally
        {
            fence.EndHandover(tenant);
        }
    }

    /// <summary>
    /// Copies this region's rows that <paramref name="select"/> picks to the pair where they are missing or
    /// differ, unless <paramref name="newerThere"/> says the pair's copy is newer.
    /// </summary>
    private async Task<ResyncCount> MirrorAsync(string kind, string table, Func<TableEntity, bool> select, Func<TableEntity, TableEntity, bool>? newerThere)
    {
        var own = await RowsAsync(stores.Tables.GetTableClient(table), select);
        var pairTable = stores.PairTables.GetTableClient(table);
        await pairTable.CreateIfNotExistsAsync();
        var theirs = await RowsAsync(pairTable, select);
        long repaired = 0, newer = 0, changed = 0;
        foreach (var (key, row) in own)
        {
            theirs.TryGetValue(key, out var copy);
            if (copy is not null && TableRows.Same(row, copy))
            {
                continue;
            }

            if (copy is not null && newerThere?.Invoke(row, copy) == true)
            {
                newer++;
                continue;
            }

            try
            {
                var mirror = TableRows.Copy(row);
                if (copy is null)
                {
                    await pairTable.AddEntityAsync(mirror);
                }
                else
                {
                    await pairTable.UpdateEntityAsync(mirror, copy.ETag, TableUpdateMode.Replace);
                }

                repaired++;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                changed++; // written meanwhile (a replicated write): the next resync compares again
            }
        }

        var onlyThere = theirs.Keys.Count(k => !own.ContainsKey(k));
        var notes = new List<string>();
        if (newer > 0)
        {
            notes.Add($"{newer} newer in {fence.Pair}");
        }

        if (onlyThere > 0)
        {
            notes.Add($"{onlyThere} only in {fence.Pair}");
        }

        if (changed > 0)
        {
            notes.Add($"{changed} changed during the resync");
        }

        return new ResyncCount(kind, own.Count, repaired, newer + onlyThere + changed, string.Join("; ", notes), onlyThere);
    }

    private async Task<ResyncCount> KeysAsync(Func<string?, bool> mine)
    {
        var own = await RowsAsync(stores.Tables.GetTableClient(storage.KeyTable), r => mine(r.GetString("GrainId")));
        var theirs = await RowsAsync(stores.PairTables.GetTableClient(storage.KeyTable), r => mine(r.GetString("GrainId")));
        var tombstones = (await RowsAsync(stores.Tables.GetTableClient(storage.TombstoneTable), _ => true)).Keys.Select(k => k.Row).ToHashSet(StringComparer.Ordinal);
        long repaired = 0, left = 0, onlyThere = 0;
        var notes = new List<string>();
        foreach (var (key, row) in own)
        {
            if (theirs.TryGetValue(key, out var copy))
            {
                if (copy.GetString("KeyId") != row.GetString("KeyId"))
                {
                    left++;
                    notes.Add("another data key in the replica");
                }

                continue;
            }

            var grainId = row.GetString("GrainId");
            if (await ownKeys.FindAsync(grainId) is { } dataKey)
            {
                try
                {
                    await pairKeys.AddCopyAsync(grainId, dataKey);
                    repaired++;
                }
                finally
                {
                    dataKey.Destroy();
                }
            }
        }

        foreach (var (key, copy) in theirs.Where(t => !own.ContainsKey(t.Key)))
        {
            var grainId = copy.GetString("GrainId");
            if (tombstones.Contains(Uri.EscapeDataString(grainId)))
            {
                await pairKeys.DestroyAsync(grainId); // a shred that never reached the pair
                repaired++;
            }
            else
            {
                left++;
                onlyThere++;
                notes.Add("a data key only in the replica");
            }
        }

        return new ResyncCount("keys", own.Count, repaired, left, string.Join("; ", notes.Distinct()), onlyThere);
    }

    /// <summary>
    /// Compares this region's state rows of the tenant with the pair's, authenticating both (see the class): copies
    /// this region's to the pair, or repairs this region's from the pair's, or leaves both, row by row.
    /// </summary>
    private async Task<ResyncCount> StatesAsync(Func<TableEntity, bool> select, long currentEpoch)
    {
        var ownTable = stores.Tables.GetTableClient(storage.StateTable);
        var pairTable = stores.PairTables.GetTableClient(storage.StateTable);
        await pairTable.CreateIfNotExistsAsync();
        var own = await RowsAsync(ownTable, select);
        var theirs = await RowsAsync(pairTable, select);
        long repaired = 0, repairedHere = 0, left = 0, changed = 0, onlyThere = 0, unauthentic = 0;
        foreach (var key in own.Keys.Union(theirs.Keys))
        {
            own.TryGetValue(key, out var row);
            theirs.TryGetValue(key, out var copy);
            if (row is not null && copy is not null && TableRows.Same(row, copy))
            {
                continue;
            }

            var mine = row is null ? null : await AuthenticAsync(row);
            var there = copy is null ? null : await AuthenticAsync(copy);
            unauthentic += (row is not null && mine is null ? 1 : 0) + (copy is not null && there is null ? 1 : 0);
            var move = (mine, there) switch
            {
                (null, null) => StateMove.Leave,
                (null, { } t) => t.Writer == fence.Region || row is not null ? StateMove.FromPair : StateMove.Leave,
                ({ }, null) => StateMove.ToPair,
                ({ } m, { } t) when t.Stamp.IsNewerThan(m.Stamp) =>
                    t.Writer == fence.Region ? StateMove.FromPair // this region's copy was rolled back
                    : t.Epoch < currentEpoch ? StateMove.ToPair // the earlier writer's write, never acknowledged
                    : StateMove.Leave,
                ({ } m, { } t) when m.Stamp == t.Stamp => StateMove.Leave, // the same write, stored differently
                _ => StateMove.ToPair,
            };
            try
            {
                switch (move)
                {
                    case StateMove.ToPair:
                        await CopyRowAsync(pairTable, row!, copy);
                        repaired++;
                        break;
                    case StateMove.FromPair:
                        await CopyRowAsync(ownTable, copy!, row);
                        repaired++;
                        repairedHere++;
                        break;
                    default:
                        left++;
                        onlyThere += row is null ? 1 : 0;
                        break;
                }
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                changed++; // written meanwhile (a replicated write): the next resync compares again
            }
        }

        var notes = new List<string>();
        if (repairedHere > 0)
        {
            notes.Add($"{repairedHere} repaired in {fence.Region} from {fence.Pair}");
        }

        if (unauthentic > 0)
        {
            notes.Add($"{unauthentic} cop(ies) failed their check and were not copied");
        }

        if (left - onlyThere > 0)
        {
            notes.Add($"{left - onlyThere} newer in {fence.Pair}");
        }

        if (onlyThere > 0)
        {
            notes.Add($"{onlyThere} only in {fence.Pair}");
        }

        if (changed > 0)
        {
            notes.Add($"{changed} changed during the resync");
        }

        return new ResyncCount("states", own.Count, repaired, left + changed, string.Join("; ", notes), onlyThere);
    }

    /// <summary>Replaces <paramref name="existing"/> in <paramref name="table"/> (or adds the row) with a copy of <paramref name="row"/>.</summary>
    private static async Task CopyRowAsync(TableClient table, TableEntity row, TableEntity? existing)
    {
        var mirror = TableRows.Copy(row);
        if (existing is null)
        {
            await table.AddEntityAsync(mirror);
        }
        else
        {
            await table.UpdateEntityAsync(mirror, existing.ETag, TableUpdateMode.Replace);
        }
    }

    /// <summary>
    /// A state row's envelope when it is authentic for the grain and state the row is stored as (a sealed state that
    /// opens under the grain's data key, or a tombstone whose MAC holds); null otherwise.
    /// </summary>
    private async Task<EncryptedEnvelope?> AuthenticAsync(TableEntity row)
    {
        var envelope = EnvelopeSerializer.Read(TableRows.EnvelopeOf(row));
        return envelope is not null
            && TableRows.StateKey(cluster.Value.ServiceId, envelope.Grain) == row.PartitionKey // not moved from another grain's row
            && await authenticity.IsAuthenticAsync(envelope, envelope.Grain, row.RowKey)
            ? envelope
            : null;
    }

    private enum StateMove
    {
        ToPair,
        FromPair,
        Leave,
    }

    private static async Task<Dictionary<(string Partition, string Row), TableEntity>> RowsAsync(TableClient table, Func<TableEntity, bool> select)
    {
        var rows = new Dictionary<(string, string), TableEntity>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                if (select(row))
                {
                    rows[(row.PartitionKey, row.RowKey)] = row;
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // no such table yet: no rows
        }

        return rows;
    }

    [LoggerMessage(5222, LogLevel.Warning, "Tenant {Tenant} promoted from {From} to {To} at epoch {Epoch}")]
    private static partial void LogPromoted(ILogger logger, string tenant, string from, string to, long epoch);

    [LoggerMessage(5223, LogLevel.Warning, "Tenant {Tenant} failed back from {From} to {To} at epoch {Epoch} ({OnlyThere} row(s) only in {To} left)")]
    private static partial void LogFailedBack(ILogger logger, string tenant, string from, string to, long epoch, long onlyThere);

    [LoggerMessage(5221, LogLevel.Information, "Tenant {Tenant} resynchronised to {Pair}: {Summary}")]
    private static partial void LogResynced(ILogger logger, string tenant, string pair, string summary);
}
