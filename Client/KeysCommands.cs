using System.CommandLine;
using System.Globalization;
using Custodian.Gateway.Protos.Keys;

namespace Custodian.Cli;

/// <summary><c>custodian keys rotate|status|shred|receipt</c>: key-encryption-key rotation and crypto-shredding.</summary>
internal static class KeysCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var gateway = new GatewayConnection(error);
        var keys = new Command("keys", "Key-encryption-key rotation (operators, officers) and crypto-shredding (officers).")
        {
            Rotate(gateway, output, error),
            Status(gateway, output, error),
            Shred(gateway, output, error),
            Receipt(gateway, output, error),
        };
        gateway.AddOptionsTo(keys);
        return keys;
    }

    private static Command Rotate(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var wait = new Option<bool>("--wait") { Description = "Follow the rewrap until it completes: a progress bar on a terminal, else a line a second." };
        var command = new Command("rotate", "Adds a new KEK version and starts rewrapping every data key to it.") { wait };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var client = custodian.Keys;
            var status = await client.RotateKekAsync(new RotateKekRequest(), cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Rotation to {status.TargetKekId} started: {status.Remaining} data keys to rewrap.");
            if (parseResult.GetValue(wait))
            {
                // Done plus remaining is the total; a later pass may find keys created meanwhile, so it can grow.
                status = await JobProgress.FollowAsync(
                    output,
                    JobProgress.TerminalFor(output),
                    $"Rewrapping to {status.TargetKekId}",
                    status,
                    s => s.Phase == RotationPhase.Rewrapping,
                    s => new JobCount(s.Done, s.Done + s.Remaining),
                    s => $"rewrapping: {s.Done} done, {s.Remaining} remaining (pass {s.Passes})",
                    ct => client.GetRotationStatusAsync(new GetRotationStatusRequest(), cancellationToken: ct).ResponseAsync,
                    cancellationToken);
            }

            WriteStatus(output, status);
        }));
        return command;
    }

    private static Command Status(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var json = Formats.JsonOption();
        var command = new Command("status", "Shows the KEK versions in use and the last rotation's progress.") { json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var status = await custodian.Keys.GetRotationStatusAsync(new GetRotationStatusRequest(), cancellationToken: cancellationToken);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(status));
                return;
            }

            WriteStatus(output, status);
        }));
        return command;
    }

    private static Command Shred(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant the subject belongs to.", Required = true };
        var subject = new Option<string>("--subject") { Description = "The subject's pseudonym.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (e.g. the request it fulfils); no personal data.", Required = true };
        var command = new Command("shred", "Crypto-shreds a subject: every stored copy of its data becomes unreadable. Officers only.")
        {
            tenant, subject, reason,
        };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new ShredSubjectRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                SubjectId = parseResult.GetRequiredValue(subject),
                Reason = parseResult.GetRequiredValue(reason),
            };
            var response = await custodian.Keys.ShredSubjectAsync(request, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Subject {request.SubjectId} of tenant {request.TenantId} erased at {Formats.Time(response.ErasedAt)}; receipt {response.ReceiptId}");
        }));
        return command;
    }

    private static Command Receipt(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var id = new Argument<string>("receipt-id") { Description = "The receipt id a shred returned." };
        var json = Formats.JsonOption();
        var command = new Command("receipt", "Shows a shred receipt. Officers only.") { id, json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var receipt = await custodian.Keys.GetShredReceiptAsync(
                new GetShredReceiptRequest { ReceiptId = parseResult.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(receipt));
                return;
            }

            var table = new TableWriter();
            table.AddRow("Receipt:", receipt.ReceiptId);
            table.AddRow("Grain:", receipt.GrainId);
            table.AddRow("Data key:", receipt.KeyId);
            table.AddRow("Shredded at:", Formats.Time(receipt.ShreddedAt));
            table.AddRow("By:", receipt.Actor);
            table.AddRow("Reason:", receipt.Reason);
            table.WriteTo(output);
            await output.WriteLineAsync("Stores cleared:");
            foreach (var store in receipt.StoresCleared)
            {
                await output.WriteLineAsync($"  - {store}");
            }
        }));
        return command;
    }

    private static void WriteStatus(TextWriter output, RotationStatus status)
    {
        var table = new TableWriter();
        table.AddRow("Current KEK:", status.CurrentKekId);
        table.AddRow("Versions:", string.Join(", ", status.KekIds));
        table.AddRow("Rotation:", status.Phase switch
        {
            RotationPhase.Rewrapping => "rewrapping",
            RotationPhase.Completed => "completed",
            _ => "none yet",
        });
        if (status.Phase != RotationPhase.Idle)
        {
            table.AddRow("Target:", status.TargetKekId);
            table.AddRow("Progress:", string.Create(CultureInfo.InvariantCulture, $"{status.Done} done, {status.Remaining} remaining, {status.Passes} pass(es)"));
            table.AddRow("Started:", $"{Formats.Time(status.StartedAt)} by {status.StartedBy}");
            table.AddRow("Completed:", Formats.Time(status.CompletedAt));
            table.AddRow("Retired:", status.RetiredKekIds.Count == 0 ? "-" : string.Join(", ", status.RetiredKekIds));
        }

        table.WriteTo(output);
    }

}
