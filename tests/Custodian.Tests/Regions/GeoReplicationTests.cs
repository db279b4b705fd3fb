using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Silo;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Custodian.Tests.Regions;

/// <summary>
/// Two Azurites as the regions eu-west (the writer) and eu-north (its pair, behind a proxy that can cut
/// it), a third as the witness, real TLS and JWTs through the gateway: every acknowledged write is in both
/// regions, the writer keeps going degraded when its pair is cut and catches up when it returns, and a
/// stale writer cannot overwrite newer data.
/// </summary>
public sealed class GeoReplicationTests(GeoPlatform platform, ITestOutputHelper output) : IClassFixture<GeoPlatform>
{
    [Fact]
    public async Task EveryAcknowledgedWriteIsInBothRegionsByteForByte()
    {
        var tenant = Platform.NewId("geo");
        var app = platform.Subjects(tenant);
        for (var i = 0; i < 20; i++)
        {
            await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = $"s{i}", Record = SampleRecords.Contact($"p{i}@example.org") });
        }

        await app.EraseAsync(new EraseRequest { TenantId = tenant, SubjectId = "s0", Reason = "request REQ-geo" });

        // The writes above were acknowledged only once both copies were durable; the silo's own
        // background writes (schedules, audit) may still be under way, so the comparison is retried briefly.
        var (differences, compared) = await IdenticalAsync(TimeSpan.FromSeconds(15));
        output.WriteLine("rows compared in eu-west and eu-north: " + string.Join(", ", compared.Select(c => $"{c.Key} {c.Value}")));
        Assert.Empty(differences);
        Assert.True(compared["CustodianState"] >= 20, $"expected at least 20 states, found {compared["CustodianState"]}");
        Assert.True(compared["CustodianKeys"] >= 19, $"expected at least 19 data keys, found {compared["CustodianKeys"]}");
        Assert.True(compared["CustodianTombstones"] >= 1);
        Assert.True(compared["CustodianAudit"] > 0);

        var envelopes = await RegionCopies.RowsAsync(platform.PairAzurite, "CustodianState", r => r.PartitionKey.Contains(tenant, StringComparison.Ordinal));
        Assert.Equal(20, envelopes.Count);
        Assert.All(envelopes.Values, e => Assert.Equal(1, JsonNode.Parse((byte[])e["Data"])!["epoch"]!.GetValue<long>()));
    }

    [Fact]
    public async Task WithThePairCutWritesContinueDegradedAndTheBacklogDrainsWhenItReturns()
    {
        var tenant = Platform.NewId("degraded");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "before", Record = SampleRecords.Contact("before@example.org") });
        Assert.Equal(false, (await platform.PlacementOfAsync(tenant))!.GetBoolean("Degraded"));

        platform.PairLink.Cut();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                // Acknowledged although eu-north is unreachable: each write is durable in eu-west and in its backlog.
                await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = $"cut{i}", Record = SampleRecords.Contact($"cut{i}@example.org") });
            }

            var placement = await platform.PlacementOfAsync(tenant);
            Assert.Equal(true, placement!.GetBoolean("Degraded"));
            Assert.NotNull(placement.GetDateTimeOffset("DegradedSince"));
            var pending = (await platform.BacklogAsync()).Where(r => r.PartitionKey == "t:" + tenant).ToList();
            output.WriteLine($"backlog of {tenant} while eu-north is cut: {pending.Count} items ({string.Join(", ", pending.GroupBy(r => r.GetString("Kind")).Select(g => $"{g.Key} {g.Count()}"))})");
            Assert.Equal(10, pending.Count(r => r.GetString("Kind") == "State"));
            Assert.Equal(10, pending.Count(r => r.GetString("Kind") == "Key"));
            Assert.Empty(await RegionCopies.RowsAsync(platform.PairAzurite, "CustodianState", r => r.PartitionKey.Contains(tenant, StringComparison.Ordinal) && r.PartitionKey.Contains("cut", StringComparison.Ordinal)));
        }
        finally
        {
            platform.PairLink.Restore();
        }

        var drainedIn = System.Diagnostics.Stopwatch.StartNew();
        await Poll.UntilAsync(async () => (await platform.BacklogAsync()).Count == 0 && (await platform.PlacementOfAsync(tenant))!.GetBoolean("Degraded") == false
            ? true : throw new InvalidOperationException("still draining"), TimeSpan.FromSeconds(60));
        output.WriteLine($"backlog drained and the tenant healthy {drainedIn.Elapsed.TotalSeconds:F1} s after the link returned");
        var (differences, compared) = await IdenticalAsync(TimeSpan.FromSeconds(15));
        Assert.Empty(differences);
        Assert.Equal(11, (await RegionCopies.RowsAsync(platform.PairAzurite, "CustodianState", r => r.PartitionKey.Contains(tenant, StringComparison.Ordinal))).Count);
        output.WriteLine("rows compared after the drain: " + string.Join(", ", compared.Select(c => $"{c.Key} {c.Value}")));
    }

    [Fact]
    public async Task ASubjectShreddedWhileThePairIsCutIsErasedThereOnceItReturns()
    {
        var tenant = Platform.NewId("shred");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("gone@example.org") });
        var grainId = $"datasubject/{tenant}/s1";
        Assert.NotEmpty(await KeyRowsAsync(platform.PairAzurite, grainId));

        platform.PairLink.Cut();
        EraseResponse erased;
        try
        {
            erased = await app.EraseAsync(new EraseRequest { TenantId = tenant, SubjectId = "s1", Reason = "request REQ-cut" });
            Assert.Empty(await KeyRowsAsync(platform.Azurite, grainId));
            Assert.NotEmpty(await KeyRowsAsync(platform.PairAzurite, grainId)); // not reached yet
            var receipt = await ReceiptAsync(platform.Azurite, erased.Erasure.ReceiptId);
            Assert.Contains(receipt, line => line.StartsWith("eu-north: pending", StringComparison.Ordinal));
        }
        finally
        {
            platform.PairLink.Restore();
        }

        await platform.DrainedAsync();
        Assert.Empty(await KeyRowsAsync(platform.PairAzurite, grainId));
        Assert.NotEmpty(await RegionCopies.RowsAsync(platform.PairAzurite, "CustodianTombstones", r => r.RowKey == Uri.EscapeDataString(grainId)));
        foreach (var region in new[] { platform.Azurite, platform.PairAzurite })
        {
            var lines = await ReceiptAsync(region, erased.Erasure.ReceiptId);
            Assert.Contains("eu-west: data key deleted from table CustodianKeys", lines);
            Assert.Contains("eu-north: data key deleted from table CustodianKeys", lines);
            Assert.DoesNotContain(lines, line => line.Contains("pending", StringComparison.Ordinal));
        }

        var pairEnvelope = (await RegionCopies.RowsAsync(platform.PairAzurite, "CustodianState", r => r.PartitionKey.Contains(tenant, StringComparison.Ordinal) && r.PartitionKey.EndsWith("s1", StringComparison.Ordinal))).Values.Single();
        Assert.NotNull(JsonNode.Parse((byte[])pairEnvelope["Data"])!["erased"]);
    }

    [Fact]
    public async Task AStaleWriterAtAnOldEpochCannotOverwriteNewerData()
    {
        var tenant = Platform.NewId("stale");
        var placements = platform.WitnessAzurite.Tables.GetTableClient("CustodianPlacement");
        await placements.CreateIfNotExistsAsync();
        // The tenant starts written in eu-north at epoch 1.
        await placements.AddEntityAsync(new TableEntity("tenant", tenant) { ["Home"] = "eu-west,eu-north", ["Writer"] = "eu-north", ["Epoch"] = 1L, ["Degraded"] = false });

        // A second silo host, of eu-north, that renews (and so re-reads the witness) only every five minutes:
        // it goes on believing it is the tenant's writer at epoch 1.
        await using var stale = await StaleSiloAsync();
        var staleSubject = stale.Services.GetRequiredService<IGrainFactory>().GetGrain<IDataSubjectGrain>($"{tenant}/s1");
        Assert.True((await staleSubject.PutRecordAsync(Record("first@example.org"))).Violations.IsDefaultOrEmpty);

        // Failover: eu-west becomes the writer at epoch 2 (compare-and-swap on the row's ETag).
        var row = (await placements.GetEntityAsync<TableEntity>("tenant", tenant)).Value;
        row["Writer"] = "eu-west";
        row["Epoch"] = 2L;
        await placements.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        await Poll.UntilAsync(async () =>
        {
            await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("newer@example.org") });
            return true;
        }, TimeSpan.FromSeconds(10)); // eu-west sees the new placement within a renewal

        // The stale writer's activation still holds the copies' old ETags; it fails on its own region's copy.
        await Assert.ThrowsAnyAsync<Exception>(() => staleSubject.PutRecordAsync(Record("stale@example.org")));

        // A fresh activation of the stale writer reads the newer copy (epoch 2) and writes nothing.
        await stale.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var again = stale.Services.GetRequiredService<IGrainFactory>().GetGrain<IDataSubjectGrain>($"{tenant}/s1");
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => again.PutRecordAsync(Record("stale-again@example.org")));
        output.WriteLine($"the stale writer's second try: {refused.GetType().Name}: {refused.Message}");

        foreach (var region in new[] { platform.Azurite, platform.PairAzurite })
        {
            var envelope = JsonNode.Parse((byte[])(await RegionCopies.RowsAsync(region, "CustodianState", r => r.PartitionKey.Contains(tenant, StringComparison.Ordinal) && r.PartitionKey.EndsWith("s1", StringComparison.Ordinal))).Values.Single()["Data"])!;
            Assert.Equal(2, envelope["epoch"]!.GetValue<long>());
        }

        var read = await platform.SiloGrains.GetGrain<IDataSubjectGrain>($"{tenant}/s1").GetRecordAsync("contact", "Account management and service messages");
        Assert.Equal("newer@example.org", read.Record!.Record.Fields["email"]);
    }

    [Fact]
    public async Task WhenThePairStallsOneWriteWaitsForThePairTimeoutAndTheRestGoOnAtOnce()
    {
        var tenant = Platform.NewId("stall");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s0", Record = SampleRecords.Contact("s0@example.org") });

        platform.PairLink.Stall();
        var timings = new List<TimeSpan>();
        try
        {
            for (var i = 1; i <= 5; i++)
            {
                var write = System.Diagnostics.Stopwatch.StartNew();
                await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = $"s{i}", Record = SampleRecords.Contact($"s{i}@example.org") });
                timings.Add(write.Elapsed);
            }
        }
        finally
        {
            platform.PairLink.Restore();
        }

        output.WriteLine("writes while the pair stalls: " + string.Join(", ", timings.Select(t => $"{t.TotalSeconds:F2} s")));
        // Placement:PairTimeout is 2 s here: the first write waits for it once, then the pair counts as unreachable.
        Assert.True(timings[0] >= TimeSpan.FromSeconds(1.5) && timings[0] < TimeSpan.FromSeconds(3.5), $"the first write took {timings[0]}");
        Assert.All(timings.Skip(1), t => Assert.True(t < TimeSpan.FromSeconds(1.5), $"a later write took {t}"));
        Assert.Equal(true, (await platform.PlacementOfAsync(tenant))!.GetBoolean("Degraded"));
        await platform.DrainedAsync(tenant);
        Assert.Equal(6, (await RegionCopies.RowsAsync(platform.PairAzurite, "CustodianState", r => r.PartitionKey.Contains(tenant, StringComparison.Ordinal))).Count);
    }

    [Fact]
    public async Task ADataKeyThePairLacksIsCopiedOnTheFirstWriteOfTheNextActivation()
    {
        // As after a silo lost between storing a new data key and copying it to the pair.
        var tenant = Platform.NewId("keycopy");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("k1@example.org") });
        var grainId = $"datasubject/{tenant}/s1";
        var lost = Assert.Single(await KeyRowsAsync(platform.PairAzurite, grainId));
        await platform.PairAzurite.Tables.GetTableClient("CustodianKeys").DeleteEntityAsync(lost.PartitionKey, lost.RowKey, Azure.ETag.All);
        await platform.SiloGrains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("k2@example.org") });

        var copy = Assert.Single(await KeyRowsAsync(platform.PairAzurite, grainId));
        Assert.Equal(lost.GetString("KeyId"), copy.GetString("KeyId"));
    }

    [Fact]
    public async Task CutOffFromTheWitnessTheRegionStopsWritingWhenItsLeaseEndsAndResumesWhenItRenews()
    {
        var tenant = Platform.NewId("lease");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s0", Record = SampleRecords.Contact("s0@example.org") });

        platform.WitnessLink.Cut();
        var cut = System.Diagnostics.Stopwatch.StartNew();
        RpcException refused;
        try
        {
            // The lease (10 s) less the clock-skew margin (2 s) still covers writes for up to 8 s.
            var i = 0;
            refused = await Poll.UntilAsync(async () =>
            {
                try
                {
                    await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = $"s{++i}", Record = SampleRecords.Contact($"s{i}@example.org") });
                }
                catch (RpcException e)
                {
                    return e;
                }

                throw new InvalidOperationException("still writing");
            }, TimeSpan.FromSeconds(20));
            output.WriteLine($"writes refused {cut.Elapsed.TotalSeconds:F1} s after the witness was cut: {refused.StatusCode}: {refused.Status.Detail}");
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            // The call's audit record is written first (fail closed), and the trail is region data too.
            Assert.True(refused.Status.Detail.Contains("does not hold its lease", StringComparison.Ordinal)
                || refused.Status.Detail.Contains("audit trail cannot record", StringComparison.Ordinal), refused.Status.Detail);
            Assert.True(cut.Elapsed > TimeSpan.FromSeconds(3), $"refused {cut.Elapsed} after the cut, before the lease could have ended");
            Assert.True(cut.Elapsed < TimeSpan.FromSeconds(12), $"still writing {cut.Elapsed} after the cut");
        }
        finally
        {
            platform.WitnessLink.Restore();
        }

        await Poll.UntilAsync(async () =>
        {
            await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "after", Record = SampleRecords.Contact("after@example.org") });
            return true;
        }, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task ARestoreInThePairRegionOfABackupTakenBeforeAShredDoesNotBringTheSubjectBack()
    {
        var tenant = Platform.NewId("restore");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("s1@example.org") });
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s2", Record = SampleRecords.Contact("s2@example.org") });

        // eu-north's own silo backs up eu-north's account, which holds the replica of both subjects.
        await using var target = await AzuriteServer.StartAsync();
        var north = await PairSiloAsync(new() { ["Backup:RestoreTargets:fresh"] = target.ConnectionString });
        try
        {
            var backups = north.Services.GetRequiredService<IGrainFactory>().GetGrain<Custodian.Backups.IBackupGrain>(Platform.PairRegion);
            await backups.StartBackupAsync("test:restore");
            var backup = await FinishedAsync(backups);
            Assert.Equal(Custodian.Backups.BackupJobState.Succeeded, backup.State);

            // s1 is shredded while eu-north is cut off; the shred reaches it when the link returns.
            platform.PairLink.Cut();
            try
            {
                await app.EraseAsync(new EraseRequest { TenantId = tenant, SubjectId = "s1", Reason = "request REQ-restore" });
            }
            finally
            {
                platform.PairLink.Restore();
            }

            await platform.DrainedAsync();

            await backups.StartRestoreAsync(backup.Manifest!.BackupId, "fresh", "test:restore");
            var restore = await FinishedAsync(backups);
            Assert.Equal(Custodian.Backups.BackupJobState.Succeeded, restore.State);
            output.WriteLine($"restore in eu-north: {restore.Restore}");
            Assert.Empty(await KeyRowsAsync(target, $"datasubject/{tenant}/s1"));
            Assert.NotEmpty(await KeyRowsAsync(target, $"datasubject/{tenant}/s2"));
            Assert.NotEmpty(await RegionCopies.RowsAsync(target, "CustodianTombstones", r => r.RowKey == Uri.EscapeDataString($"datasubject/{tenant}/s1")));
            Assert.Empty(await RegionCopies.RowsAsync(target, "CustodianState", r => r.PartitionKey.Contains(tenant, StringComparison.Ordinal) && r.PartitionKey.EndsWith("s1", StringComparison.Ordinal)));
        }
        finally
        {
            await north.StopAsync();
            await north.DisposeAsync();
        }
    }

    private static async Task<Custodian.Backups.BackupJob> FinishedAsync(Custodian.Backups.IBackupGrain backups) =>
        await Poll.UntilAsync(async () => await backups.GetJobAsync() is { State: not Custodian.Backups.BackupJobState.Running } job
            ? job : throw new InvalidOperationException("still running"), TimeSpan.FromSeconds(60));

    private async Task<WebApplication> PairSiloAsync(Dictionary<string, string?> extra)
    {
        var settings = platform.SiloSettingsOf(Platform.PairRegion, platform.PairAzurite, Platform.Region, platform.Azurite);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var silo = SiloApp.Build([], (c, _) => c.AddInMemoryCollection(settings));
        await silo.StartAsync();
        return silo;
    }

    private static PersonalDataRecord Record(string email) => new(
        "contact", "Account management and service messages", Custodian.Subjects.LegalBasis.Contract,
        ImmutableSortedDictionary.CreateRange(new Dictionary<string, string> { ["email"] = email }));

    private Task<WebApplication> StaleSiloAsync() => PairSiloAsync(new()
    {
        ["Placement:RenewInterval"] = "00:05:00",
        ["Placement:LeaseDuration"] = "00:10:00",
        ["Placement:ClockSkewMargin"] = "00:00:05",
    });

    private async Task<(List<string> Differences, Dictionary<string, int> Compared)> IdenticalAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var result = await RegionCopies.CompareAsync(platform.Azurite, platform.PairAzurite);
            if (result.Differences.Count == 0 || DateTime.UtcNow > deadline)
            {
                foreach (var difference in result.Differences.Take(20))
                {
                    output.WriteLine(difference);
                }

                return result;
            }

            await Task.Delay(300);
        }
    }

    private static async Task<List<TableEntity>> KeyRowsAsync(AzuriteServer region, string grainId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in region.Tables.GetTableClient("CustodianKeys").QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"GrainId eq {grainId}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static async Task<string[]> ReceiptAsync(AzuriteServer region, string receiptId)
    {
        await foreach (var row in region.Tables.GetTableClient("CustodianShredReceipts").QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {receiptId}")))
        {
            return row.GetString("StoresCleared").Split('\n');
        }

        throw new InvalidOperationException("no receipt " + receiptId);
    }
}
