using System.Text;
using System.Text.Json.Nodes;
using Custodian.Backups;
using Custodian.Gateway.Protos.Backups;
using Custodian.Gateway.Protos.Keys;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using BackupJob = Custodian.Gateway.Protos.Backups.BackupJob;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Custodian.Tests.Backups;

/// <summary>The platform plus two more, empty Azurites configured as the restore targets "fresh" and "during".</summary>
public sealed class BackupPlatform : Platform
{
    public AzuriteServer Fresh { get; private set; } = null!;

    /// <summary>The target of the restore that subjects are shredded during.</summary>
    public AzuriteServer During { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Fresh = await AzuriteServer.StartAsync();
        During = await AzuriteServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Fresh.DisposeAsync();
        await During.DisposeAsync();
    }

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() =>
        [new("Backup:RestoreTargets:fresh", Fresh.ConnectionString), new("Backup:RestoreTargets:during", During.ConnectionString)];
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

        // Assert: a second restore into the same account is refused, it is no longer empty
        var again = await RunAsync(platform.Backups().RestoreAsync(new RestoreRequest { BackupId = backup.Manifest.BackupId, Target = "fresh" }), expectFailure: true);
        Assert.Equal("target-not-empty", again.ErrorCode);
        Assert.Contains("already holds state", again.Message);

        // ... and a platform on the restored account reads every other subject exactly as before
        await using var restored = new PlatformOver(platform.Fresh, platform.SecretsFolder);
        await restored.InitializeAsync();
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
        string GrainOf(string id) => platform.SiloGrains.GetGrain<IDataSubjectGrain>(new SubjectRef(tenant, id).GrainKey).GetGrainId().ToString();
        var inOrder = ids.OrderBy(id => rows.IndexOf(GrainOf(id))).ToArray();
        var (copied, ahead) = (inOrder[1], inOrder[4]); // one the restore has copied when the shreds land, one it has yet to reach
        var kept = ids.Except([copied, ahead]).ToArray();

        // Act: restore; right after the row of the first is handled, both are shredded through the gateway, then the restore goes on
        var officer = platform.KeysAs(tenant);
        var shredsLand = new AfterRow(rows.IndexOf(GrainOf(copied)) + 1, async () =>
        {
            await officer.ShredSubjectAsync(new ShredSubjectRequest { TenantId = tenant, SubjectId = copied, Reason = "erased during the restore" });
            await officer.ShredSubjectAsync(new ShredSubjectRequest { TenantId = tenant, SubjectId = ahead, Reason = "erased during the restore" });
        });
        var summary = await platform.SiloServices.GetRequiredService<IBackupVault>().RestoreAsync(backup.Manifest.BackupId, "during", shredsLand, CancellationToken.None);
        output.WriteLine($"restore: {summary.StatesRestored} restored, {summary.ErasedLeftOut} erased left out, {summary.TombstonesRestored} tombstones");

        // Assert: both shredded subjects read as erased in the restored account; the others as before
        Assert.True(shredsLand.Ran);
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

        Assert.Equal(["manifest.json", "states.jsonl", "tombstones.jsonl"], files.Order());
        Assert.Equal(64, backup.Manifest.StatesSha256.Length);
        var listed = await platform.Backups().ListBackupsAsync(new ListBackupsRequest());
        Assert.Contains(listed.Backups, m => m.BackupId == backup.Manifest.BackupId);
    }

    [Fact]
    public async Task RetentionDeletesBackupsStartedBeforeTheCutoffAndKeepsTheRest()
    {
        var vault = platform.SiloServices.GetRequiredService<IBackupVault>();
        var older = await vault.CreateBackupAsync(new Progress<long>(), CancellationToken.None);
        var newer = await vault.CreateBackupAsync(new Progress<long>(), CancellationToken.None);

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
