using System.Text;
using System.Text.Json.Nodes;
using Custodian.Audit;
using Custodian.Backups;
using Custodian.Gateway.Protos.Backups;
using Custodian.Gateway.Protos.Keys;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Silo.Audit;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using BackupJob = Custodian.Gateway.Protos.Backups.BackupJob;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Custodian.Tests.Backups;

/// <summary>
/// The platform plus three more, empty Azurites configured as the restore targets "fresh", "during" and "spare" (which
/// only refused restores are pointed at, so it stays empty); audit partitions checkpoint their heads every 2 seconds.
/// </summary>
public sealed class BackupPlatform : Platform
{
    public AzuriteServer Fresh { get; private set; } = null!;

    /// <summary>The target of the restore that subjects are shredded during.</summary>
    public AzuriteServer During { get; private set; } = null!;

    /// <summary>The target of restores that must be refused: nothing may ever be written to it.</summary>
    public AzuriteServer Spare { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Fresh = await AzuriteServer.StartAsync();
        During = await AzuriteServer.StartAsync();
        Spare = await AzuriteServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Fresh.DisposeAsync();
        await During.DisposeAsync();
        await Spare.DisposeAsync();
    }

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() =>
    [
        new("Backup:RestoreTargets:fresh", Fresh.ConnectionString),
        new("Backup:RestoreTargets:during", During.ConnectionString),
        new("Backup:RestoreTargets:spare", Spare.ConnectionString),
        new("Audit:CheckpointPeriod", "00:00:02"),
    ];
}

public sealed class BackupRestoreTests(BackupPlatform platform, ITestOutputHelper output) : IClassFixture<BackupPlatform>
{
    [Fact]
    public async Task BackupShredRestoreKeepsTheShreddedSubjectErasedAndEveryOtherIdentical()
    {
        // Arrange: subjects stored; one erased even before the backup
        var tenant = Platform.NewId("acme");
        var subjects = platform.Subjects(tenant);
        var ids = Enumerable.Range(0, 12).Select(i => $"subj-{i:D2}").ToArray();
        foreach (var id in ids)
        {
            await subjects.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = id, Record = SampleRecords.Contact($"{id}.{tenant}@example.org") });
            await subjects.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = id, Record = SampleRecords.Billing($"DE{id.GetHashCode():X8}") });
        }

        var officer = platform.KeysAs(tenant);
        await officer.ShredSubjectAsync(new ShredSubjectRequest { TenantId = tenant, SubjectId = ids[0], Reason = "erased before the backup" });
        var before = new Dictionary<string, GetRecordResponse>();
        foreach (var id in ids[1..])
        {
            before[id] = await subjects.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = id, Category = "contact" });
        }

        // Act: backup, shred one more, restore the backup into the empty account
        var backup = await RunAsync(platform.Backups().StartBackupAsync(new StartBackupRequest()));
        var shredded = ids[5];
        var receipt = await officer.ShredSubjectAsync(new ShredSubjectRequest { TenantId = tenant, SubjectId = shredded, Reason = "erased after the backup" });
        var restore = await RunAsync(platform.Backups().RestoreAsync(new RestoreRequest { BackupId = backup.Manifest.BackupId, Target = "fresh" }));
        output.WriteLine($"backup {backup.Manifest.BackupId}: {backup.Manifest.StateCount} envelopes, {backup.Manifest.TombstoneCount} tombstones; " +
            $"restore: {restore.Restore.StatesRestored} restored, {restore.Restore.ErasedLeftOut} erased left out, {restore.Restore.TombstonesRestored} tombstones");

        // Assert: the target's own tables, read directly: no envelope and no data key of either erased subject, both
        // tombstoned; every other subject's envelope and key there; the audit checkpoints the backup carried, authentic
        var erased = new[] { GrainOf(tenant, ids[0]), GrainOf(tenant, shredded) };
        var kept = ids[1..].Where(i => i != shredded).Select(i => GrainOf(tenant, i)).ToArray();
        var target = await TargetTablesAsync(platform.Fresh);
        output.WriteLine($"target: {target.Envelopes.Count} envelopes, {target.Keys.Count} data keys, {target.Tombstones.Count} tombstones, {target.Checkpoints.Count} checkpoints");
        Assert.All(erased, grain =>
        {
            Assert.DoesNotContain(grain, target.Envelopes);
            Assert.DoesNotContain(grain, target.Keys);
            Assert.Contains(grain, target.Tombstones);
        });
        Assert.All(kept, grain =>
        {
            Assert.Contains(grain, target.Envelopes);
            Assert.Contains(grain, target.Keys);
        });
        Assert.Equal(backup.Manifest.CheckpointCount, restore.Restore.CheckpointsRestored);
        Assert.Equal(backup.Manifest.CheckpointCount, target.Checkpoints.Count);
        Assert.NotEmpty(target.Checkpoints);
        Assert.All(target.Checkpoints, c => Assert.True(AuditCheckpointRows.IsAuthentic(platform.AuditKeys, c), c.Partition));

        // ... a second restore into the same account is refused, it is no longer empty
        var again = await RunAsync(platform.Backups().RestoreAsync(new RestoreRequest { BackupId = backup.Manifest.BackupId, Target = "fresh" }), expectFailure: true);
        Assert.Equal("target-not-empty", again.ErrorCode);
        Assert.Contains("already holds state", again.Message);

        // ... and a platform on the restored account reads every other subject exactly as before
        await using var restored = new PlatformOver(platform.Fresh, platform.SecretsFolder);
        await restored.InitializeAsync();

        // ... and its trail (not in the backup: it starts anew in this account) is measured against the checkpoints the
        // backup brought: the history they record is not there, and verification says so
        var restoredTrail = await restored.Trail.VerifyAsync();
        Assert.All(restoredTrail.Where(v => target.Checkpoints.Any(c => c.Partition == v.Partition && c.Sequence > v.LastSequence)), v =>
        {
            Assert.Equal((AuditTailCheck.Truncated, Platform.Region), (v.Tail, v.CheckpointSource));
            Assert.StartsWith("truncated:", v.Reason);
        });
        Assert.Contains(restoredTrail, v => v.Tail == AuditTailCheck.Truncated);
        var restoredSubjects = restored.Subjects(tenant);
        foreach (var id in ids[1..].Where(i => i != shredded))
        {
            var read = await restoredSubjects.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = id, Category = "contact" });
            Assert.Equal(before[id], read);
        }

        foreach (var id in new[] { ids[0], shredded })
        {
            var read = await restoredSubjects.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = id, Category = "contact" });
            var listing = await restoredSubjects.ListCategoriesAsync(new ListCategoriesRequest { Purpose = "support", TenantId = tenant, SubjectId = id });
            Assert.Null(read.Record);
            Assert.NotNull(read.Erasure);
            Assert.Empty(listing.Categories);
        }

        Assert.Equal(2, restore.Restore.ErasedLeftOut); // the tombstone of ids[0], and ids[5] whose key is gone
        Assert.Equal(2, restore.Restore.TombstonesRestored);
        Assert.NotNull(receipt.ReceiptId);
    }

    [Fact]
    public async Task SubjectsShreddedWhileARestoreRunsStayErasedInTheRestoredAccount()
    {
        // Arrange: subjects stored and backed up; the order the restore takes their rows in, from the backup itself
        var tenant = Platform.NewId("acme");
        var subjects = platform.Subjects(tenant);
        var ids = Enumerable.Range(0, 6).Select(i => $"subj-{i:D2}").ToArray();
        foreach (var id in ids)
        {
            await subjects.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = id, Record = SampleRecords.Contact($"{id}.{tenant}@example.org") });
        }

        var backup = await RunAsync(platform.Backups().StartBackupAsync(new StartBackupRequest()));
        var rows = await BackedUpGrainsAsync(backup.Manifest.BackupId);
        var inOrder = ids.OrderBy(id => rows.IndexOf(GrainOf(tenant, id))).ToArray();
        var (copied, ahead) = (inOrder[1], inOrder[4]); // one the restore has copied when the shreds land, one it has yet to reach
        var kept = ids.Except([copied, ahead]).ToArray();

        // Act: restore; right after the row of the first is handled, both are shredded through the gateway, then the restore goes on
        var officer = platform.KeysAs(tenant);
        var shredsLand = new AfterRow(rows.IndexOf(GrainOf(tenant, copied)) + 1, async () =>
        {
            await officer.ShredSubjectAsync(new ShredSubjectRequest { TenantId = tenant, SubjectId = copied, Reason = "erased during the restore" });
            await officer.ShredSubjectAsync(new ShredSubjectRequest { TenantId = tenant, SubjectId = ahead, Reason = "erased during the restore" });
        });
        var summary = await platform.SiloServices.GetRequiredService<IBackupVault>().RestoreAsync(backup.Manifest.BackupId, "during", shredsLand, CancellationToken.None);
        output.WriteLine($"restore: {summary.StatesRestored} restored, {summary.ErasedLeftOut} erased left out, {summary.TombstonesRestored} tombstones");

        // Assert: in the target's own tables, neither shredded subject has an envelope or a data key, both are
        // tombstoned, and every other one has both
        Assert.True(shredsLand.Ran);
        var target = await TargetTablesAsync(platform.During);
        Assert.All(new[] { copied, ahead }.Select(id => GrainOf(tenant, id)), grain =>
        {
            Assert.DoesNotContain(grain, target.Envelopes);
            Assert.DoesNotContain(grain, target.Keys);
            Assert.Contains(grain, target.Tombstones);
        });
        Assert.All(kept.Select(id => GrainOf(tenant, id)), grain => Assert.True(target.Envelopes.Contains(grain) && target.Keys.Contains(grain), grain));

        // ... and both read as erased in the restored account; the others as before
        await using var restored = new PlatformOver(platform.During, platform.SecretsFolder);
        await restored.InitializeAsync();
        var restoredSubjects = restored.Subjects(tenant);
        foreach (var id in new[] { copied, ahead })
        {
            var read = await restoredSubjects.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = id, Category = "contact", Purpose = "support" });
            Assert.Null(read.Record);
            Assert.NotNull(read.Erasure);
            Assert.Empty((await restoredSubjects.ListCategoriesAsync(new ListCategoriesRequest { TenantId = tenant, SubjectId = id, Purpose = "support" })).Categories);
        }

        foreach (var id in kept)
        {
            var read = await restoredSubjects.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = id, Category = "contact", Purpose = "support" });
            Assert.Equal($"{id}.{tenant}@example.org", read.Record.Fields["email"]);
        }
    }

    [Fact]
    public async Task BackupHoldsOnlyEnvelopesNeverKeysOrPlaintext()
    {
        var tenant = Platform.NewId("acme");
        var email = $"backup.{Guid.NewGuid():N}@example.org";
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact(email) });

        var backup = await RunAsync(platform.Backups().StartBackupAsync(new StartBackupRequest()));

        var container = platform.Azurite.Blobs.GetBlobContainerClient("custodian-backups");
        var files = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, backup.Manifest.BackupId + "/", default))
        {
            var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
            Assert.DoesNotContain(email, content);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(email)), content);
            Assert.DoesNotContain("WrappedKey", content, StringComparison.OrdinalIgnoreCase);
            files.Add(blob.Name[(blob.Name.IndexOf('/') + 1)..]);
        }

        Assert.Equal(["checkpoints.jsonl", "manifest.json", "states.jsonl", "tombstones.jsonl"], files.Order());
        Assert.Equal(64, backup.Manifest.StatesSha256.Length);
        var listed = await platform.Backups().ListBackupsAsync(new ListBackupsRequest());
        Assert.Contains(listed.Backups, m => m.BackupId == backup.Manifest.BackupId);
    }

    [Fact]
    public async Task RetentionDeletesBackupsStartedBeforeTheCutoffAndKeepsTheRest()
    {
        var vault = platform.SiloServices.GetRequiredService<IBackupVault>();
        var older = await vault.CreateBackupAsync([], new Progress<long>(), CancellationToken.None);
        var newer = await vault.CreateBackupAsync([], new Progress<long>(), CancellationToken.None);

        var deleted = await vault.DeleteOlderThanAsync(newer.StartedAt, CancellationToken.None);
        var left = await vault.ListBackupsAsync(CancellationToken.None);

        Assert.True(deleted >= 1);
        Assert.DoesNotContain(left, m => m.BackupId == older.BackupId);
        Assert.Contains(left, m => m.BackupId == newer.BackupId);
    }

    [Fact]
    public async Task RestoreRefusesAnUnknownTargetOrBackupAndBadInput()
    {
        var backups = platform.Backups();
        var backup = await RunAsync(backups.StartBackupAsync(new StartBackupRequest()));

        var unknownTarget = await RunAsync(backups.RestoreAsync(new RestoreRequest { BackupId = backup.Manifest.BackupId, Target = "elsewhere" }), expectFailure: true);
        var unknownBackup = await RunAsync(backups.RestoreAsync(new RestoreRequest { BackupId = "nope", Target = "fresh" }), expectFailure: true);
        var bad = await Assert.ThrowsAsync<RpcException>(async () => await backups.RestoreAsync(new RestoreRequest { BackupId = "../x", Target = "" }));

        Assert.Equal("target-unknown", unknownTarget.ErrorCode);
        Assert.Equal("backup-not-found", unknownBackup.ErrorCode);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Contains("backup_id", bad.Status.Detail);
        Assert.Contains("target", bad.Status.Detail);
    }

    public static TheoryData<string, string> Alterations => new()
    {
        { "states.jsonl", "states.jsonl does not match the SHA-256 its manifest records" },
        { "tombstones.jsonl", "tombstones.jsonl does not match the SHA-256 its manifest records" },
        { "checkpoints.jsonl", "checkpoints.jsonl does not match the SHA-256 its manifest records" },
        { "manifest.json", "manifest.json fails its signature" },
        { "states.jsonl and its digest", "manifest.json fails its signature" },
    };

    [Theory]
    [MemberData(nameof(Alterations))]
    public async Task ARestoreOfABackupWithAnAlteredFileIsRefusedNamingTheFileAndWritesNothingToTheTarget(string altered, string finding)
    {
        // Arrange: a backup with a subject in it; then one of its stored files altered
        var tenant = Platform.NewId("acme");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("s1@example.org") });
        var backup = await RunAsync(platform.Backups().StartBackupAsync(new StartBackupRequest()));
        var id = backup.Manifest.BackupId;
        var container = platform.Azurite.Blobs.GetBlobContainerClient("custodian-backups");
        async Task<string> ReadAsync(string file) => (await container.GetBlobClient($"{id}/{file}").DownloadContentAsync()).Value.Content.ToString();
        async Task WriteAsync(string file, string content) => await container.GetBlobClient($"{id}/{file}").UploadAsync(BinaryData.FromString(content), overwrite: true);
        switch (altered)
        {
            case "manifest.json":
                var manifest = JsonNode.Parse(await ReadAsync("manifest.json"))!;
                manifest["stateCount"] = manifest["stateCount"]!.GetValue<long>() + 1;
                await WriteAsync("manifest.json", manifest.ToJsonString());
                break;
            case "states.jsonl and its digest":
                var states = (await ReadAsync("states.jsonl")).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..];
                var text = string.Join("", states.Select(l => l + "\n"));
                await WriteAsync("states.jsonl", text);
                var signed = JsonNode.Parse(await ReadAsync("manifest.json"))!;
                signed["statesSha256"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
                signed["stateCount"] = states.Length;
                await WriteAsync("manifest.json", signed.ToJsonString());
                break;
            default:
                // One line more: a row that was never backed up, or a checkpoint or tombstone put in
                var content = await ReadAsync(altered);
                await WriteAsync(altered, content + (content.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "{}") + "\n");
                break;
        }

        // Act
        var refused = await RunAsync(platform.Backups().RestoreAsync(new RestoreRequest { BackupId = id, Target = "spare" }), expectFailure: true);
        var cli = await CliRunner.RunAsync(CliRunner.Against(platform, platform.Token(null, "operator"), "backup", "restore", "--backup", id, "--target", "spare", "--wait"));

        // Assert: refused as damaged, naming the file and what is wrong; the target account has not even a table
        output.WriteLine($"{altered}: {refused.ErrorCode}: {refused.Message}");
        Assert.Equal("backup-damaged", refused.ErrorCode);
        Assert.Contains(finding, refused.Message);
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains($"restore failed (backup-damaged): ", cli.Error);
        Assert.Contains(finding, cli.Error);
        var tables = new List<string>();
        await foreach (var table in platform.Spare.Tables.QueryAsync())
        {
            tables.Add(table.Name);
        }

        Assert.Empty(tables);
    }

    [Fact]
    public async Task AuditPartitionsCheckpointTheirHeadsToThePairRegionEveryPeriodAndEveryBackupCarriesThem()
    {
        // Arrange: an audited call; its entries' partition and last sequence
        var (actor, tenant) = (Platform.NewId("app"), Platform.NewId("acme"));
        await platform.SubjectsAs(actor, tenant, "app").PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("s1@example.org") });
        var mine = (await platform.Trail.ReadAllAsync(new AuditQuery(Actor: actor)))[^1];
        var checkpoints = platform.PairAzurite.Tables.GetTableClient("CustodianCheckpoints");
        var (pk, rk) = AuditCheckpointRows.Address(mine.Partition);

        // Act: wait for the period (2 s here) to checkpoint it, with no call asking for it; then a backup
        var checkpoint = await Poll.UntilAsync(async () =>
        {
            var row = await checkpoints.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(pk, rk);
            return row.HasValue && AuditCheckpointRows.FromEntity(row.Value!) is { } c && c.Sequence >= mine.Entry.Sequence ? c : throw new TimeoutException("not yet");
        }, TimeSpan.FromSeconds(30));
        var backup = await RunAsync(platform.Backups().StartBackupAsync(new StartBackupRequest()));
        var carried = (await platform.Azurite.Blobs.GetBlobContainerClient("custodian-backups").GetBlobClient($"{backup.Manifest.BackupId}/checkpoints.jsonl").DownloadContentAsync())
            .Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonSerializer.Deserialize<AuditCheckpoint>(l, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!).ToList();

        // Assert: the periodic checkpoint is authentic and the head's; the backup carries one for every partition with entries
        Assert.True(AuditCheckpointRows.IsAuthentic(platform.AuditKeys, checkpoint));
        Assert.Equal(mine.Partition, checkpoint.Partition);
        Assert.Contains(carried, c => c.Partition == mine.Partition && c.Sequence >= checkpoint.Sequence);
        Assert.All(carried, c => Assert.True(AuditCheckpointRows.IsAuthentic(platform.AuditKeys, c), c.Partition));
        Assert.Equal(backup.Manifest.CheckpointCount, carried.Count);
        Assert.Contains("with checkpoints of", backup.Message);
    }

    private string GrainOf(string tenant, string subject) =>
        platform.SiloGrains.GetGrain<IDataSubjectGrain>(new SubjectRef(tenant, subject).GrainKey).GetGrainId().ToString();

    /// <summary>What a restore target's tables hold, read directly: the grain of each envelope, of each data key and each tombstone, and the checkpoints.</summary>
    private static async Task<(HashSet<string> Envelopes, HashSet<string> Keys, HashSet<string> Tombstones, List<AuditCheckpoint> Checkpoints)> TargetTablesAsync(AzuriteServer target)
    {
        var (envelopes, keys, tombstones, checkpoints) = (new HashSet<string>(), new HashSet<string>(), new HashSet<string>(), new List<AuditCheckpoint>());
        await foreach (var row in target.Tables.GetTableClient("CustodianState").QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            envelopes.Add(JsonNode.Parse(row.GetBinary("Data"))!["grain"]!.GetValue<string>());
        }

        await foreach (var row in target.Tables.GetTableClient("CustodianKeys").QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            keys.Add(row.GetString("GrainId"));
        }

        await foreach (var row in target.Tables.GetTableClient("CustodianTombstones").QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            tombstones.Add(Uri.UnescapeDataString(row.RowKey));
        }

        await foreach (var row in target.Tables.GetTableClient("CustodianCheckpoints").QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            checkpoints.Add(AuditCheckpointRows.FromEntity(row)!);
        }

        return (envelopes, keys, tombstones, checkpoints);
    }

    /// <summary>The grain of each row of a backup's states file, in the order a restore handles them.</summary>
    private async Task<List<string>> BackedUpGrainsAsync(string backupId)
    {
        var container = platform.Azurite.Blobs.GetBlobContainerClient("custodian-backups");
        var content = (await container.GetBlobClient($"{backupId}/states.jsonl").DownloadContentAsync()).Value.Content.ToString();
        return [.. content.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(Convert.FromBase64String(JsonNode.Parse(line)!["Data"]!.GetValue<string>()))!["grain"]!.GetValue<string>())];
    }

    /// <summary>A restore's progress that runs <paramref name="action"/> (and waits for it) once <paramref name="rows"/> rows are handled.</summary>
    private sealed class AfterRow(long rows, Func<Task> action) : IProgress<long>
    {
        public bool Ran { get; private set; }

        public void Report(long value)
        {
            if (value == rows)
            {
                action().GetAwaiter().GetResult(); // holds the restore between two rows until the shreds are done
                Ran = true;
            }
        }
    }

    private async Task<BackupJob> RunAsync(AsyncUnaryCall<BackupJob> start, bool expectFailure = false)
    {
        var job = await start;
        var backups = platform.Backups();
        var done = await Poll.UntilAsync(async () =>
        {
            var current = await backups.GetJobAsync(new GetJobRequest());
            return current.JobId == job.JobId && current.State != JobState.Running ? current : throw new TimeoutException("still running");
        }, TimeSpan.FromSeconds(60));
        Assert.Equal(expectFailure ? JobState.Failed : JobState.Succeeded, done.State);
        return done;
    }
}
