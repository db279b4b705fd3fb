using System.CommandLine;
using System.Globalization;
using Custodian.Gateway.Protos.Regions;

namespace Custodian.Cli;

/// <summary><c>custodian regions status|resync|promote</c>: replication between the two regions of a pair.</summary>
internal static class RegionsCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var gateway = new GatewayConnection(error);
        var regions = new Command("regions", "Replication to the pair region: status (operators, officers) and resynchronisation (officers).")
        {
            Status(gateway, output, error),
            Resync(gateway, output, error),
            Promote(gateway, output, error),
        };
        gateway.AddOptionsTo(regions);
        return regions;
    }

    private static Command Status(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var json = Formats.JsonOption();
        var command = new Command("status", "Shows the region's pair, lease, backlog and every tenant's writer, epoch and degraded mark.") { json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var status = await custodian.Regions.GetStatusAsync(new GetRegionStatusRequest(), cancellationToken: cancellationToken);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(status));
                return;
            }

            var table = new TableWriter();
            table.AddRow("Region:", $"{status.Region} (zone {status.Zone})");
            table.AddRow("Pair:", $"{status.Pair}, {(status.PairReachable ? "reachable" : "UNREACHABLE")}");
            table.AddRow("Lease:", status.HoldsLease ? $"held, {status.LeaseRemaining.ToTimeSpan().TotalSeconds:F0} s left" : "NOT HELD: the region writes nothing");
            table.AddRow("Backlog:", status.BacklogItems == 0
                ? "empty"
                : string.Create(CultureInfo.InvariantCulture, $"{status.BacklogItems} item(s), oldest since {Formats.Time(status.BacklogOldest)}"));
            table.AddRow("Drained:", $"{status.Drained} item(s) since the silo started");
            table.WriteTo(output);
            if (status.Tenants.Count == 0)
            {
                return;
            }

            await output.WriteLineAsync();
            var tenants = new TableWriter();
            tenants.AddRow("TENANT", "HOME", "WRITER", "EPOCH", "STATE");
            foreach (var t in status.Tenants)
            {
                tenants.AddRow(t.TenantId, t.Home, t.Writer, t.Epoch.ToString(CultureInfo.InvariantCulture),
                    t.Degraded ? $"degraded since {Formats.Time(t.DegradedSince)}" : "replicated");
            }

            tenants.WriteTo(output);
        }));
        return command;
    }

    private static Command Resync(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant whose copies to compare and repair.", Required = true };
        var json = Formats.JsonOption();
        var command = new Command("resync", "Compares the writer region's and the pair's copies of a tenant and repairs the pair's. Officers only.") { tenant, json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var id = parseResult.GetRequiredValue(tenant);
            var client = custodian.Regions;
            string[] kinds = ["states", "keys", "tombstones", "receipts", "audit"];
            var report = new ResyncReport { TenantId = id, Identical = true };
            var asJson = parseResult.GetValue(json);
            for (var i = 0; i < kinds.Length; i++)
            {
                // One kind per call, so the comparison shows its progress as each kind is done.
                var part = await client.ResyncAsync(new ResyncRequest { TenantId = id, Kind = kinds[i] }, cancellationToken: cancellationToken);
                (report.From, report.To) = (part.From, part.To);
                report.Counts.AddRange(part.Counts);
                report.Identical &= part.Identical;
                if (!asJson)
                {
                    foreach (var c in part.Counts)
                    {
                        await output.WriteLineAsync($"[{i + 1}/{kinds.Length}] {c.Kind}: {c.Compared} compared, {c.Repaired} repaired, {c.Left} left");
                    }
                }
            }

            if (asJson)
            {
                await output.WriteLineAsync(Formats.Json.Format(report));
                return;
            }

            var table = new TableWriter();
            table.AddRow("KIND", "COMPARED", "REPAIRED", "LEFT", "NOTE");
            foreach (var c in report.Counts)
            {
                table.AddRow(c.Kind, $"{c.Compared}", $"{c.Repaired}", $"{c.Left}", c.Note.Length == 0 ? "-" : c.Note);
            }

            table.WriteTo(output);
            await output.WriteLineAsync(report.Identical
                ? $"{report.From} and {report.To} hold the same copies of tenant {report.TenantId}."
                : $"Some copies still differ between {report.From} and {report.To} (see LEFT); nothing in {report.To} was deleted.");
        }));
        return command;
    }

    private static Command Promote(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant to write in this gateway's region from now on.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (e.g. the incident that took the writer region down); audited.", Required = true };
        var acceptLoss = new Option<bool>("--accept-loss") { Description = "Required: you accept losing the old writer's writes not yet replicated here." };
        var command = new Command("promote", "Makes this gateway's region the writer of a tenant under a new epoch, once the old writer's lease has ended. Officers only.")
        {
            tenant, reason, acceptLoss,
        };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            if (!parseResult.GetValue(acceptLoss))
            {
                throw new UsageException("promote may lose the old writer's unreplicated writes: say so with --accept-loss.");
            }

            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Regions.PromoteAsync(
                new PromoteRequest { TenantId = parseResult.GetRequiredValue(tenant), Reason = parseResult.GetRequiredValue(reason) },
                cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Tenant {response.TenantId} is written in {response.To} from now on (epoch {response.Epoch}; it was {response.From}).");
            await output.WriteLineAsync($"Lost: {response.Loss}");
        }));
        return command;
    }
}
