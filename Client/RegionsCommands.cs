using System.CommandLine;
using System.Globalization;
using Custodian.Gateway.Protos.Regions;

namespace Custodian.Cli;

/// <summary><c>custodian regions status|resync|promote|failback</c>: replication between the two regions of a pair, and moves of a tenant's writer.</summary>
internal static class RegionsCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var gateway = new GatewayConnection(error);
        var regions = new Command("regions", "Replication to the pair region: status (operators, officers); resynchronisation, promotion and failback (officers).")
        {
            Status(gateway, output, error),
            Resync(gateway, output, error),
            Promote(gateway, output, error),
            Failback(gateway, output, error),
        };
        gateway.AddOptionsTo(regions);
        return regions;
    }

    private static Command Status(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var json = Formats.JsonOption();
        var command = new Command("status", "Shows every region the gateway reaches (pair, lease, backlog) and every tenant's writer, epoch, state, last move and backlog.") { json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var status = await custodian.Regions.GetStatusAsync(new GetRegionStatusRequest(), cancellationToken: cancellationToken);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(status));
                return;
            }

            // A gateway before forwarding answered with its own region only.
            IReadOnlyList<RegionStatus> regions = status.Regions.Count > 0 ? status.Regions : [status];
            foreach (var region in regions)
            {
                WriteRegion(output, region);
                await output.WriteLineAsync();
            }

            WriteTenants(output, status, regions);
        }));
        return command;
    }

    /// <summary>One region's health: its pair, lease, backlog; or that it did not answer, and why.</summary>
    private static void WriteRegion(TextWriter output, RegionStatus status)
    {
        var table = new TableWriter();
        if (!status.Reachable && status.Error.Length > 0)
        {
            table.AddRow("Region:", status.Region);
            table.AddRow("Status:", $"UNREACHABLE ({status.Error})");
            table.WriteTo(output);
            return;
        }

        table.AddRow("Region:", $"{status.Region} (zone {status.Zone})");
        table.AddRow("Pair:", $"{status.Pair}, {(status.PairReachable ? "reachable" : "UNREACHABLE")}");
        table.AddRow("Lease:", status.HoldsLease ? $"held, {status.LeaseRemaining.ToTimeSpan().TotalSeconds:F0} s left" : "NOT HELD: the region writes nothing");
        table.AddRow("Backlog:", status.BacklogItems == 0
            ? "empty"
            : string.Create(CultureInfo.InvariantCulture, $"{status.BacklogItems} item(s), oldest since {Formats.Time(status.BacklogOldest)}"));
        table.AddRow("Drained:", $"{status.Drained} item(s) since the silo started");
        table.WriteTo(output);
    }

    /// <summary>
    /// Every tenant a region reported, once: its placement as the region with the newest epoch sees it, its backlog
    /// in each region that holds some, and where this gateway sends its calls.
    /// </summary>
    private static void WriteTenants(TextWriter output, RegionStatus status, IReadOnlyList<RegionStatus> regions)
    {
        var routes = status.Witness.ToDictionary(t => t.TenantId, t => t.Writer, StringComparer.Ordinal);
        var reported = regions.SelectMany(r => r.Tenants.Select(t => (Region: r.Region, Tenant: t))).ToList();
        if (status.Witness.Count > 0 || status.WitnessReadAt is not null)
        {
            output.WriteLine($"This gateway ({status.Region}) last read the witness at {Formats.Time(status.WitnessReadAt)}; ROUTED TO is where it sends each tenant's calls.");
        }

        if (reported.Count == 0 && routes.Count == 0)
        {
            return;
        }

        var tenants = new TableWriter("TENANT", "HOME", "WRITER", "EPOCH", "STATE", "LAST MOVE", "BACKLOG", "ROUTED TO");
        foreach (var group in reported.GroupBy(r => r.Tenant.TenantId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var t = group.MaxBy(r => r.Tenant.Epoch).Tenant;
            var backlog = string.Join(", ", group.Where(r => r.Tenant.BacklogItems > 0).Select(r => $"{r.Region} {r.Tenant.BacklogItems}"));
            tenants.AddRow(t.TenantId, t.Home, t.Writer, t.Epoch.ToString(CultureInfo.InvariantCulture),
                t.Degraded ? $"degraded since {Formats.Time(t.DegradedSince)}" : "replicated",
                t.MovedAt is null ? "-" : $"{Formats.Time(t.MovedAt)} from {t.MovedFrom} ({t.MoveReason})",
                backlog.Length == 0 ? "-" : backlog,
                routes.GetValueOrDefault(t.TenantId, "(configured writer)"));
        }

        foreach (var t in status.Witness.Where(w => !reported.Any(r => r.Tenant.TenantId == w.TenantId)).OrderBy(w => w.TenantId, StringComparer.Ordinal))
        {
            tenants.AddRow(t.TenantId, t.Home, t.Writer, t.Epoch.ToString(CultureInfo.InvariantCulture),
                t.Degraded ? $"degraded since {Formats.Time(t.DegradedSince)}" : "-",
                t.MovedAt is null ? "-" : $"{Formats.Time(t.MovedAt)} from {t.MovedFrom} ({t.MoveReason})",
                "-", t.Writer);
        }

        tenants.WriteTo(output);
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
        var tenant = new Option<string>("--tenant") { Description = "The tenant to write in another region from now on.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (e.g. the incident that took the writer region down); audited.", Required = true };
        var region = new Option<string>("--region") { Description = "The region to promote; by default the pair of the tenant's current writer." };
        var acceptLoss = new Option<bool>("--accept-loss") { Description = "Required: you accept losing the old writer's writes not yet replicated there." };
        var command = new Command("promote", "Makes a region (by default the pair of the tenant's writer) the writer of a tenant under a new epoch, once the old writer's lease has ended. Officers only.")
        {
            tenant, reason, region, acceptLoss,
        };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            if (!parseResult.GetValue(acceptLoss))
            {
                throw new UsageException("promote may lose the old writer's unreplicated writes: say so with --accept-loss.");
            }

            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Regions.PromoteAsync(
                new PromoteRequest { TenantId = parseResult.GetRequiredValue(tenant), Reason = parseResult.GetRequiredValue(reason), Region = parseResult.GetValue(region) ?? "" },
                cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Tenant {response.TenantId} is written in {response.To} from now on (epoch {response.Epoch}; it was {response.From}).");
            await output.WriteLineAsync($"Lost: {response.Loss}");
        }));
        return command;
    }

    private static Command Failback(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant to move back to its configured writer region.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (e.g. the incident that is over); audited.", Required = true };
        var command = new Command("failback", "Moves a tenant back to its configured writer under a new epoch, after resynchronising the pair; refused while the copies differ. Officers only.")
        {
            tenant, reason,
        };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Regions.FailbackAsync(
                new FailbackRequest { TenantId = parseResult.GetRequiredValue(tenant), Reason = parseResult.GetRequiredValue(reason) },
                cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Tenant {response.TenantId} failed back: {response.From} -> {response.To} at epoch {response.Epoch}.");
            await output.WriteLineAsync($"Copies: {response.Copies}");
        }));
        return command;
    }
}
