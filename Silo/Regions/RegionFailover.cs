using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Hosting;
using Custodian.Incidents;
using Custodian.Mail;
using Custodian.Regions;
using Custodian.Security;
using Microsoft.Extensions.Options;
using Orleans.Core.Internal;

namespace Custodian.Silo.Regions;

/// <summary>
/// Automatic failover and what follows any change of writer. Every <see cref="PlacementOptions.ProbeInterval"/>
/// the region reads its pair's lease at the witness; once <see cref="PlacementOptions.FailoverProbes"/> probes in
/// a row found it past its end plus the clock-skew margin (the pair's own silos stopped writing before that), the
/// region takes over each tenant the pair writes by compare-and-swap to a new epoch — unless the tenant is
/// degraded (the pair acknowledged writes this region lacks: an officer decides) or moved automatically less than
/// <see cref="PlacementOptions.FailoverCooldown"/> ago (no flapping). Both refusals raise an alert once.
/// <para>
/// Whenever the witness shows a change of writer this region has not acknowledged yet — a failover, a
/// promotion or a failback, made here or elsewhere, seen at once or when the region comes back — the region
/// records it in its own audit trail (tenant, from, to, epoch, reason), then, if it gained the tenant, re-arms
/// the deadlines of the tenant's grains from their stored state (and, for a failover, raises a security alert
/// and mails the officer); if it lost the tenant, it removes their reminders here and deactivates them. Then it
/// adds itself to the row's acknowledgements. A crash before that repeats the step, which is harmless: the
/// record says so twice, re-arming is idempotent and the officer's mail has a stable message id.
/// </para>
/// </summary>
public sealed partial class RegionFailover(
    RegionFence fence,
    WitnessTable witness,
    RegionStores stores,
    Custodian.Silo.Storage.SecureStorageOptions storage,
    IGrainFactory grains,
    IAuditTrail trail,
    IReminderTable reminders,
    IOptions<IncidentsOptions> incidents,
    IMeterFactory meters,
    ILogger<RegionFailover> logger) : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    /// <summary>The grain types that keep deadlines in reminders.</summary>
    private static readonly HashSet<string> DeadlineTypes = ["incident", "subjectrequest", "mailoutbox", "accessgrant", "accessreview"];

    private readonly BackgroundLoop _loop = new();
    private readonly ConcurrentDictionary<string, long> _refusalsAlerted = new(StringComparer.Ordinal);
    private readonly Counter<long> _failovers = meters.Create("Custodian.Replication").CreateCounter<long>(
        "custodian.replication.failovers", "{tenant}", "Tenants this region took over automatically");
    private int _failedProbes;

    private string Actor => $"custodian:region/{fence.Region}";

    /// <summary>One round: acknowledges new moves, probes the pair's lease, and fails its tenants over when due.</summary>
    public async Task RoundAsync(CancellationToken cancellationToken)
    {
        foreach (var row in fence.Tenants.Where(Unacknowledged))
        {
            await AcknowledgeAsync(row, cancellationToken);
        }

        if (!fence.HoldsLease)
        {
            // A region that cannot renew its own lease takes nothing over.
            Volatile.Write(ref _failedProbes, 0);
            return;
        }

        var lease = await witness.LeaseOfAsync(fence.Pair, cancellationToken);
        // A pair that never held a lease never ran: it is not failed, it is not there yet.
        var expired = lease is { } until && DateTimeOffset.UtcNow > until + fence.Options.ClockSkewMargin;
        if (!expired)
        {
            Volatile.Write(ref _failedProbes, 0);
            return;
        }

        var probes = Interlocked.Increment(ref _failedProbes);
        if (probes < fence.Options.FailoverProbes || !fence.Options.AutomaticFailover)
        {
            return;
        }

        foreach (var row in fence.Tenants.Where(t => t.Writer == fence.Pair && Lives(t)))
        {
            await TryFailOverAsync(row.Tenant, lease!.Value, probes, cancellationToken);
        }
    }

    private bool Lives(TenantPlacementRow row) => row.LivesIn(fence.Region);

    private bool Unacknowledged(TenantPlacementRow row) =>
        row.MovedAt is not null && Lives(row) && !row.MoveAcknowledgedBy(fence.Region)
        && (row.Writer == fence.Region || row.MovedFrom == fence.Region);

    private async Task TryFailOverAsync(string tenant, DateTimeOffset lease, int probes, CancellationToken cancellationToken)
    {
        if (await witness.TenantAsync(tenant, cancellationToken) is not { } row || row.Writer != fence.Pair)
        {
            return; // moved meanwhile (by another silo of this region, or an officer): the next refresh shows it
        }

        var now = DateTimeOffset.UtcNow;
        if (row.Degraded)
        {
            await RefuseOnceAsync(row, $"tenant {tenant} is degraded since {row.DegradedSince:O}: {row.Writer} acknowledged writes that {fence.Region} may lack; an officer decides (regions promote --accept-loss)");
            return;
        }

        if (row.MovedAutomatically && now - row.MovedAt < fence.Options.FailoverCooldown)
        {
            await RefuseOnceAsync(row, $"tenant {tenant} already failed over at {row.MovedAt:O}, less than {fence.Options.FailoverCooldown} ago; an officer decides (regions promote)");
            return;
        }

        var reason = $"failover: {row.Writer}'s lease ended at {lease:O} and {probes} probes in a row found it expired";
        var next = row with
        {
            Writer = fence.Region,
            Epoch = row.Epoch + 1,
            Degraded = false,
            DegradedSince = null,
            MovedAt = now,
            MovedFrom = row.Writer,
            MoveReason = reason,
            MoveAcknowledged = null,
        };
        if (await witness.TryReplaceAsync(row, next, cancellationToken) is not { } stored)
        {
            return; // another silo of this region won the swap, or the row changed: the next round sees it
        }

        fence.Remember(stored);
        _failovers.Add(1);
        LogFailedOver(logger, tenant, row.Writer, fence.Region, stored.Epoch);
        await AcknowledgeAsync(stored, cancellationToken);
    }

    private async Task RefuseOnceAsync(TenantPlacementRow row, string why)
    {
        if (_refusalsAlerted.TryGetValue(row.Tenant, out var epoch) && epoch == row.Epoch)
        {
            return;
        }

        await grains.GetGrain<ISecurityAlertsGrain>(fence.Region).RaiseAsync(SecurityRuleNames.RegionFailoverRefused, Actor, DateTimeOffset.UtcNow, why);
        _refusalsAlerted[row.Tenant] = row.Epoch;
        LogRefused(logger, row.Tenant, why);
    }

    /// <summary>Records a change of writer in this region's trail and re-arms or drops the tenant's deadlines here.</summary>
    private async Task AcknowledgeAsync(TenantPlacementRow row, CancellationToken cancellationToken)
    {
        var gained = row.Writer == fence.Region;
        var action = row.MovedAutomatically ? "Regions:Failover" : "Regions:Handover";
        await trail.WriteAsync(new AuditRecord(
            DateTimeOffset.UtcNow, Actor, action, "tenant:" + row.Tenant,
            $"{row.MovedFrom} -> {row.Writer} at epoch {row.Epoch}; {fence.Region} {(gained ? "took the tenant over" : "gave the tenant up")}: {row.MoveReason}", "-", ""));

        var owners = await DeadlineOwnersAsync(row.Tenant, cancellationToken);
        if (gained)
        {
            await RearmAsync(row, owners);
            if (row.MovedAutomatically)
            {
                await AlertAsync(row);
            }
        }
        else
        {
            await DropAsync(row.Tenant, owners, cancellationToken);
        }

        await MarkAcknowledgedAsync(row, cancellationToken);
    }

    private async Task RearmAsync(TenantPlacementRow row, List<GrainId> owners)
    {
        var failed = 0;
        foreach (var owner in owners)
        {
            try
            {
                await grains.GetGrain<IDeadlineOwner>(owner).RearmAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed++;
                LogRearmFailed(logger, owner.ToString(), e.GetType().Name);
            }
        }

        if (failed > 0)
        {
            // Not acknowledged: the next round tries again.
            throw new InvalidOperationException($"{failed} of {owners.Count} deadline(s) of tenant {row.Tenant} were not re-armed in {fence.Region}.");
        }

        LogRearmed(logger, row.Tenant, owners.Count, fence.Region);
    }

    private async Task DropAsync(string tenant, List<GrainId> owners, CancellationToken cancellationToken)
    {
        foreach (var owner in owners)
        {
            foreach (var entry in (await reminders.ReadRows(owner, cancellationToken)).Reminders.Where(r => r.ETag is not null))
            {
                await reminders.RemoveRow(owner, entry.ReminderName, entry.ETag!, cancellationToken);
            }
        }

        // Activations left from before the move hold what is now an older copy: they go, so that if the tenant
        // comes back they start from storage (the call fence already refuses them every call meanwhile).
        var management = grains.GetGrain<IManagementGrain>(0);
        var scope = PlacementScope.Tenant(tenant);
        var deactivated = 0;
        foreach (var type in PlacementScope.KnownTypes)
        {
            foreach (var grainId in await management.GetActiveGrains(GrainType.Create(type)))
            {
                if (PlacementScope.Of(grainId, fence.Region) == scope)
                {
                    await grains.GetGrain<IGrainManagementExtension>(grainId).DeactivateOnIdle();
                    deactivated++;
                }
            }
        }

        LogDropped(logger, tenant, owners.Count, deactivated, fence.Region);
    }

    private async Task AlertAsync(TenantPlacementRow row)
    {
        var detail = $"tenant {row.Tenant} failed over from {row.MovedFrom} to {row.Writer} at epoch {row.Epoch}: {row.MoveReason}";
        await grains.GetGrain<ISecurityAlertsGrain>(fence.Region).RaiseAsync(SecurityRuleNames.RegionFailover, Actor, DateTimeOffset.UtcNow, detail);
        if (incidents.Value.OfficerEmail is not { } officer)
        {
            LogNoOfficer(logger, row.Tenant);
            return;
        }

        var mail = new OutgoingMail(
            $"failover.{row.Tenant}.e{row.Epoch}@custodian",
            [officer],
            $"Custodian: tenant {row.Tenant} failed over to {row.Writer}",
            $"""
            Region {row.Writer} took tenant {row.Tenant} over from {row.MovedFrom} at {row.MovedAt:O} (epoch {row.Epoch}).

            Why: {row.MoveReason}.

            Every write {row.MovedFrom} acknowledged was replicated to {row.Writer} before it was acknowledged, so none is lost.
            The tenant's deadlines (breach notices, request answers, grant expiry, mail retries) now run in {row.Writer}.
            Once {row.MovedFrom} is back and its copies are resynchronised, fail back deliberately:
              custodian regions failback --tenant {row.Tenant} --reason "..."
            """,
            "tenant:" + row.Tenant);
        await grains.GetGrain<IMailOutboxGrain>($"regions:{row.Tenant}/failover").EnqueueAsync(mail);
    }

    private async Task MarkAcknowledgedAsync(TenantPlacementRow row, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var current = await witness.TenantAsync(row.Tenant, cancellationToken);
            if (current is null || current.MovedAt != row.MovedAt || current.Epoch != row.Epoch || current.MoveAcknowledgedBy(fence.Region))
            {
                return; // moved again meanwhile: that move is acknowledged on its own
            }

            var acknowledged = string.IsNullOrEmpty(current.MoveAcknowledged) ? fence.Region : current.MoveAcknowledged + "," + fence.Region;
            if (await witness.TryReplaceAsync(current, current with { MoveAcknowledged = acknowledged }, cancellationToken) is { } stored)
            {
                fence.Remember(stored);
                return;
            }
        }
    }

    /// <summary>The tenant's grains with deadlines whose state this region holds (from its state table).</summary>
    private async Task<List<GrainId>> DeadlineOwnersAsync(string tenant, CancellationToken cancellationToken)
    {
        var scope = PlacementScope.Tenant(tenant);
        var owners = new HashSet<GrainId>();
        var table = stores.Tables.GetTableClient(storage.StateTable);
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            if (TableRows.EnvelopeOf(row)?["grain"]?.GetValue<string>() is { } id
                && GrainId.TryParse(id, out var grainId)
                && DeadlineTypes.Contains(grainId.Type.ToString() ?? "")
                && PlacementScope.Of(grainId, fence.Region) == scope)
            {
                owners.Add(grainId);
            }
        }

        return [.. owners];
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RegionFailover), ServiceLifecycleStage.Active, _ =>
        {
            _loop.Start(LoopAsync);
            return Task.CompletedTask;
        }, async _ => await StopAsync());

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StopAsync() => await _loop.DisposeAsync();

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(fence.Options.ProbeInterval);
        do
        {
            try
            {
                await RoundAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRoundFailed(logger, fence.Region, e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
    }

    [LoggerMessage(5231, LogLevel.Warning, "Tenant {Tenant} failed over from {From} to {To} at epoch {Epoch}")]
    private static partial void LogFailedOver(ILogger logger, string tenant, string from, string to, long epoch);

    [LoggerMessage(5232, LogLevel.Warning, "Tenant {Tenant} not failed over: {Why}")]
    private static partial void LogRefused(ILogger logger, string tenant, string why);

    [LoggerMessage(5233, LogLevel.Information, "Tenant {Tenant}: {Count} deadline owner(s) re-armed in {Region}")]
    private static partial void LogRearmed(ILogger logger, string tenant, int count, string region);

    [LoggerMessage(5237, LogLevel.Information, "Tenant {Tenant} left region {Region}: reminders of {Owners} deadline owner(s) removed, {Deactivated} activation(s) deactivated")]
    private static partial void LogDropped(ILogger logger, string tenant, int owners, int deactivated, string region);

    [LoggerMessage(5234, LogLevel.Warning, "Deadline owner {Grain} not re-armed ({Error}); tried again next round")]
    private static partial void LogRearmFailed(ILogger logger, string grain, string error);

    [LoggerMessage(5235, LogLevel.Warning, "Failover round of region {Region} failed ({Error}: {Message}); tried again next round")]
    private static partial void LogRoundFailed(ILogger logger, string region, string error, string message);

    [LoggerMessage(5236, LogLevel.Warning, "Tenant {Tenant} failed over, and no officer address is configured (Incidents:OfficerEmail): the alert and the audit trail record it")]
    private static partial void LogNoOfficer(ILogger logger, string tenant);
}
