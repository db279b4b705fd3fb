using Custodian.Gateway.Protos.Backups;
using Custodian.Tests.Infrastructure;
using Grpc.Core;
using BackupJob = Custodian.Gateway.Protos.Backups.BackupJob;

namespace Custodian.Tests.Backups;

/// <summary>
/// A platform whose backup container is reached through a proxy the tests can cut, and with a restore
/// target ("locked") whose connection string carries a key the account does not accept.
/// </summary>
public sealed class BackupFailurePlatform : Platform
{
    public FaultProxy BackupLink { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings()
    {
        BackupLink.TargetPort = Azurite.BlobPort;
        return
        [
            new("ConnectionStrings:Backup", Azurite.ConnectionStringWithBlobPort(BackupLink.Port)),
            new("Backup:RestoreTargets:locked", Azurite.ConnectionStringWithWrongKey()),
        ];
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await BackupLink.DisposeAsync();
    }
}

/// <summary>A failed backup or restore reports a stable code and a sentence of ours, never the storage SDK's text.</summary>
public sealed class BackupFailureTests(BackupFailurePlatform platform) : IClassFixture<BackupFailurePlatform>
{
    [Fact]
    public async Task ABackupWhoseStorageIsUnreachableReportsStorageUnavailableAndNamesNoAccountUrlOrBlob()
    {
        // Arrange: the backup account's link is cut
        var logsBefore = platform.Logs.Lines.Count;
        platform.BackupLink.Cut();
        BackupJob failed;
        (int ExitCode, string Output, string Error) status;
        try
        {
            // Act
            failed = await RunAsync(platform.Backups().StartBackupAsync(new StartBackupRequest()));
            status = await CliRunner.RunAsync(CliRunner.Against(platform, platform.Token(null, "operator"), "backup", "status"));
        }
        finally
        {
            platform.BackupLink.Restore();
        }

        // Assert: the code and our sentence, in the job and in the CLI; the exception only in the Error log
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal("storage-unavailable", failed.ErrorCode);
        AssertNamesNoStorage(failed.Message);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("storage-unavailable", status.Output);
        AssertNamesNoStorage(status.Output);
        var backupLines = platform.Logs.Lines.Skip(logsBefore).Where(l => l.Contains(" Custodian.Backups.", StringComparison.Ordinal)).ToList();
        Assert.Contains(backupLines, l => l.StartsWith("Error ", StringComparison.Ordinal) && l.Contains(failed.JobId, StringComparison.Ordinal) && l.Contains("storage-unavailable", StringComparison.Ordinal));
        Assert.All(backupLines.Where(l => !l.StartsWith("Error ", StringComparison.Ordinal) && !l.StartsWith("Warning ", StringComparison.Ordinal)), AssertNamesNoStorage);
    }

    [Fact]
    public async Task ARestoreIntoAnAccountThatRefusesItsKeyReportsForbiddenAndNamesNoAccountUrlOrBlob()
    {
        // Arrange: a backup to restore
        var backup = await RunAsync(platform.Backups().StartBackupAsync(new StartBackupRequest()));
        Assert.Equal(JobState.Succeeded, backup.State);

        // Act
        var failed = await RunAsync(platform.Backups().RestoreAsync(new RestoreRequest { BackupId = backup.Manifest.BackupId, Target = "locked" }));
        var cli = await CliRunner.RunAsync(CliRunner.Against(platform, platform.Token(null, "operator"), "backup", "restore", "--backup", backup.Manifest.BackupId, "--target", "locked", "--wait"));

        // Assert
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal("forbidden", failed.ErrorCode);
        AssertNamesNoStorage(failed.Message);
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("restore failed (forbidden):", cli.Error);
        AssertNamesNoStorage(cli.Error);
    }

    [Fact]
    public async Task ARestoreOfAnUnknownBackupOrIntoAnUnknownTargetReportsItsOwnCode()
    {
        var backups = platform.Backups();
        var backup = await RunAsync(backups.StartBackupAsync(new StartBackupRequest()));

        var unknownTarget = await RunAsync(backups.RestoreAsync(new RestoreRequest { BackupId = backup.Manifest.BackupId, Target = "elsewhere" }));
        var unknownBackup = await RunAsync(backups.RestoreAsync(new RestoreRequest { BackupId = "nope", Target = "locked" }));

        Assert.Equal(("target-unknown", JobState.Failed), (unknownTarget.ErrorCode, unknownTarget.State));
        Assert.Equal(("backup-not-found", JobState.Failed), (unknownBackup.ErrorCode, unknownBackup.State));
        Assert.Equal("", backup.ErrorCode);
    }

    [Fact]
    public async Task ARestoreWhoseNamesTheGatewayWouldRefuseFailsAtOnceInTheGrainAndKeepsTheLastJob()
    {
        // Arrange: the grain called directly, not through the gateway; a finished job as the last one
        var grain = platform.SiloGrains.GetGrain<Custodian.Backups.IBackupGrain>(Platform.Region);
        var backup = await RunAsync(platform.Backups().StartBackupAsync(new StartBackupRequest()));

        // Act
        var badId = await grain.StartRestoreAsync("../" + backup.Manifest.BackupId, "locked", "operator-1");
        var badTarget = await grain.StartRestoreAsync(backup.Manifest.BackupId, "locked/../other", "operator-1");
        var last = await grain.GetJobAsync();

        // Assert
        Assert.Equal((Custodian.Backups.BackupJobState.Failed, Custodian.Backups.BackupFailure.BackupNotFound), (badId.State, badId.Failure));
        Assert.Equal((Custodian.Backups.BackupJobState.Failed, Custodian.Backups.BackupFailure.TargetUnknown), (badTarget.State, badTarget.Failure));
        Assert.Equal(backup.JobId, last!.JobId);
    }

    private void AssertNamesNoStorage(string text)
    {
        Assert.DoesNotContain("devstoreaccount1", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(platform.BackupLink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        Assert.DoesNotContain("custodian-backups", text, StringComparison.Ordinal);
        Assert.DoesNotContain(".jsonl", text, StringComparison.Ordinal);
        Assert.DoesNotContain("manifest.json", text, StringComparison.Ordinal);
        Assert.DoesNotContain("CustodianState", text, StringComparison.Ordinal);
        Assert.DoesNotContain("CustodianKeys", text, StringComparison.Ordinal);
        Assert.DoesNotContain("CustodianTombstones", text, StringComparison.Ordinal);
    }

    private async Task<BackupJob> RunAsync(AsyncUnaryCall<BackupJob> start)
    {
        var job = await start;
        var backups = platform.Backups();
        return await Poll.UntilAsync(async () =>
        {
            var current = await backups.GetJobAsync(new GetJobRequest());
            return current.JobId == job.JobId && current.State != JobState.Running ? current : throw new TimeoutException("still running");
        }, TimeSpan.FromSeconds(90));
    }
}
