using System.CommandLine;
using System.Globalization;
using Custodian.Gateway.Protos.Backups;
using BackupsClient = Custodian.Gateway.Protos.Backups.Backups.BackupsClient;

namespace Custodian.Cli;

/// <summary><c>custodian backup run|status|list|restore</c>: backups of the region's encrypted state.</summary>
internal static class BackupCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var gateway = new GatewayConnection(error);
        var backup = new Command("backup", "Backups of the region's encrypted state, and restores into an empty account (operators, officers).")
        {
            Run(gateway, output, error),
            Status(gateway, output, error),
            List(gateway, output, error),
            Restore(gateway, output, error),
        };
        gateway.AddOptionsTo(backup);
        return backup;
    }

    private static Command Run(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var wait = WaitOption();
        var command = new Command("run", "Starts a backup now.") { wait };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var client = custodian.Backups;
            var job = await client.StartBackupAsync(new StartBackupRequest(), cancellationToken: cancellationToken);
            await FollowAsync(client, job, JobKind.Backup, parseResult.GetValue(wait), output, restoring: null, cancellationToken);
        }));
        return command;
    }

    private static Command Restore(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var backupId = new Option<string>("--backup") { Description = "The backup id (from 'backup list').", Required = true };
        var target = new Option<string>("--target") { Description = "A restore target named in the silo's configuration (Backup:RestoreTargets).", Required = true };
        var wait = WaitOption();
        var command = new Command("restore", "Rebuilds state from a backup into an empty storage account; erased subjects stay erased.")
        {
            backupId, target, wait,
        };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var client = custodian.Backups;
            var id = parseResult.GetRequiredValue(backupId);
            var job = await client.RestoreAsync(new RestoreRequest { BackupId = id, Target = parseResult.GetRequiredValue(target) }, cancellationToken: cancellationToken);
            await FollowAsync(client, job, JobKind.Restore, parseResult.GetValue(wait), output, restoring: id, cancellationToken);
        }));
        return command;
    }

    private static Command Status(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var json = Formats.JsonOption();
        var command = new Command("status", "Shows the running backup or restore, or the last one.") { json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var job = await custodian.Backups.GetJobAsync(new GetJobRequest(), cancellationToken: cancellationToken);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(job));
                return;
            }

            WriteJob(output, job);
        }));
        return command;
    }

    private static Command List(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var json = Formats.JsonOption();
        var command = new Command("list", "Lists the complete backups still retained, newest first.") { json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Backups.ListBackupsAsync(new ListBackupsRequest(), cancellationToken: cancellationToken);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(response));
                return;
            }

            if (response.Backups.Count == 0)
            {
                await output.WriteLineAsync("No backups are retained.");
                return;
            }

            var table = new TableWriter("BACKUP", "STARTED", "COMPLETED", "ENVELOPES", "TOMBSTONES", "CHECKPOINTS");
            foreach (var manifest in response.Backups)
            {
                table.AddRow(
                    manifest.BackupId,
                    Formats.Time(manifest.StartedAt),
                    Formats.Time(manifest.CompletedAt),
                    manifest.StateCount.ToString(CultureInfo.InvariantCulture),
                    manifest.TombstoneCount.ToString(CultureInfo.InvariantCulture),
                    manifest.CheckpointCount.ToString(CultureInfo.InvariantCulture));
            }

            table.WriteTo(output);
        }));
        return command;
    }

    /// <summary>
    /// Prints the job; with <paramref name="wait"/>, follows it until it ends (see <see cref="JobProgress"/>). A failed
    /// job is an error, and so is finding another job running (the region runs one at a time).
    /// </summary>
    private static async Task FollowAsync(
        BackupsClient client, BackupJob job, JobKind asked, bool wait, TextWriter output, string? restoring, CancellationToken cancellationToken)
    {
        if (job.Kind != asked)
        {
            throw new CallFailedException($"a {Kind(job)} ({job.JobId}) is running in the region; try again when it ends.");
        }

        await output.WriteLineAsync($"{Kind(job)} {job.JobId} started.");
        if (wait)
        {
            var id = job.JobId;
            var terminal = JobProgress.TerminalFor(output);
            var total = terminal is null ? 0 : await ExpectedRowsAsync(client, restoring, cancellationToken);
            job = await JobProgress.FollowAsync(
                output,
                terminal,
                $"{Kind(job)} {id}",
                job,
                j => j.State == JobState.Running,
                j => new JobCount(j.Progress, total),
                j => $"{Kind(j)} {j.JobId}: {j.Progress} rows",
                async ct =>
                {
                    var next = await client.GetJobAsync(new GetJobRequest(), cancellationToken: ct);
                    return next.JobId == id
                        ? next
                        : throw new CallFailedException($"{Kind(next)} {id} ended and {next.JobId} started before its outcome was read; see 'custodian backup list'.");
                },
                cancellationToken);
        }

        if (job.State == JobState.Failed)
        {
            throw new CallFailedException($"{Kind(job)} failed ({job.ErrorCode}): {job.Message}");
        }

        WriteJob(output, job);
    }

    /// <summary>
    /// The rows the job will handle, as its progress counts them: a restore's, the envelopes in its backup's
    /// manifest; a backup's, an estimate from the newest retained backup; 0 when there is none.
    /// </summary>
    private static async Task<long> ExpectedRowsAsync(BackupsClient client, string? restoring, CancellationToken cancellationToken)
    {
        var backups = (await client.ListBackupsAsync(new ListBackupsRequest(), cancellationToken: cancellationToken)).Backups;
        var manifest = restoring is null ? backups.FirstOrDefault() : backups.FirstOrDefault(b => b.BackupId == restoring);
        return manifest?.StateCount ?? 0;
    }

    private static void WriteJob(TextWriter output, BackupJob job)
    {
        var table = new TableWriter();
        table.AddRow("Job:", $"{Kind(job)} {job.JobId}");
        table.AddRow("State:", job.State switch { JobState.Running => "running", JobState.Succeeded => "succeeded", _ => "failed" });
        table.AddRow("Rows:", job.Progress.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Started:", $"{Formats.Time(job.StartedAt)} by {job.StartedBy}");
        table.AddRow("Finished:", Formats.Time(job.FinishedAt));
        table.AddRow("Message:", job.Message);
        if (job.ErrorCode.Length > 0)
        {
            table.AddRow("Error:", job.ErrorCode);
        }

        if (job.Manifest is { } manifest)
        {
            table.AddRow("Backup:", manifest.BackupId);
            table.AddRow("Envelopes:", manifest.StateCount.ToString(CultureInfo.InvariantCulture));
            table.AddRow("Tombstones:", manifest.TombstoneCount.ToString(CultureInfo.InvariantCulture));
            table.AddRow("states.jsonl SHA-256:", manifest.StatesSha256);
            table.AddRow("tombstones.jsonl SHA-256:", manifest.TombstonesSha256);
            table.AddRow("Audit checkpoints:", manifest.CheckpointCount.ToString(CultureInfo.InvariantCulture));
            table.AddRow("checkpoints.jsonl SHA-256:", manifest.CheckpointsSha256);
        }

        if (job.Restore is { } restore)
        {
            table.AddRow("Restored:", $"{restore.StatesRestored} envelopes from {restore.BackupId} into {restore.Target}");
            table.AddRow("Erased, left out:", restore.ErasedLeftOut.ToString(CultureInfo.InvariantCulture));
            table.AddRow("Keys copied:", restore.KeysCopied.ToString(CultureInfo.InvariantCulture));
            table.AddRow("Tombstones:", restore.TombstonesRestored.ToString(CultureInfo.InvariantCulture));
            table.AddRow("Audit checkpoints:", restore.CheckpointsRestored.ToString(CultureInfo.InvariantCulture));
        }

        table.WriteTo(output);
    }

    private static string Kind(BackupJob job) => job.Kind == JobKind.Restore ? "restore" : "backup";

    private static Option<bool> WaitOption() => new("--wait") { Description = "Follow the job until it ends: a progress bar on a terminal, else a line a second." };

}
