using System.CommandLine;
using System.Globalization;
using Custodian.Gateway.Protos.Audit;
using Google.Protobuf.WellKnownTypes;

namespace Custodian.Cli;

/// <summary><c>custodian audit verify|query</c>: a region's tamper-evident audit trail (the gateway's own, or <c>--region</c>).</summary>
internal static class AuditCommands
{
    private const int MaxPageSize = 1000;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var gateway = new GatewayConnection(error);
        var audit = new Command("audit", "A region's audit trail (the gateway's own, or --region): verify its hash chains (officers, DPO, operators), query it (officers, DPO).")
        {
            Verify(gateway, output, error),
            Query(gateway, output, error),
        };
        gateway.AddOptionsTo(audit);
        return audit;
    }

    private static Command Verify(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var partition = new Option<int?>("--partition") { Description = "Only this partition (0 to the region's partitions - 1); default: all." };
        var (from, until) = TimeOptions();
        var region = RegionOption();
        var json = Formats.JsonOption();
        var command = new Command("verify", $"Recomputes the hash chains, whole or over a time range, and compares each whole partition's tail with the signed checkpoints of its head; exits with {ExitCodes.TrailBroken} when a partition is broken (truncated and rewritten tails included), its pair copy differs or a checkpoint is forged.")
        {
            partition, from, until, region, json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            var request = new VerifyTrailRequest { From = Time(parseResult, from), Until = Time(parseResult, until), Region = parseResult.GetValue(region) ?? "" };
            if (parseResult.GetValue(partition) is { } n)
            {
                request.Partition = n;
            }

            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Audit.VerifyTrailAsync(request, cancellationToken: cancellationToken);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(response));
            }
            else
            {
                var table = new TableWriter("PARTITION", "ENTRIES", "SEQUENCES", "STATUS", "TAIL", "REPLICA", "HEAD", "SIGNATURE");
                foreach (var p in response.Partitions)
                {
                    table.AddRow(
                        p.Partition,
                        p.Count.ToString(CultureInfo.InvariantCulture),
                        p.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{p.FirstSequence}-{p.LastSequence}"),
                        p.Intact ? "intact" : string.Create(CultureInfo.InvariantCulture, $"BROKEN at {p.FirstBadSequence}: {p.Reason}"),
                        Tail(p),
                        p.Replica.Length == 0 ? "-" : p.ReplicaIdentical ? p.Replica : "DIFFERS " + p.Replica,
                        p.HeadHash,
                        p.Intact ? p.Signature : "-");
                }

                table.WriteTo(output);
            }

            return response.Intact ? ExitCodes.Success : ExitCodes.TrailBroken;
        }));
        return command;
    }

    private static Command Query(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var actor = new Option<string>("--actor") { Description = "Only entries of this principal (a token's sub)." };
        var action = new Option<string>("--action") { Description = "Only this action, e.g. Read:/custodian.subjects.v1.Subjects/GetRecord." };
        var target = new Option<string>("--target") { Description = "Only this target as stored, e.g. tenant:acme or subject:..." };
        var tenant = new Option<string>("--tenant") { Description = "With --subject: only entries on this tenant's subject; alone: on the tenant itself." };
        var subject = new Option<string>("--subject") { Description = "Only entries on this subject (its pseudonym; the gateway matches its keyed hash). Needs --tenant." };
        var (from, until) = TimeOptions();
        var limit = new Option<int>("--limit") { Description = "The most entries to print, following pages.", DefaultValueFactory = _ => 100 };
        var region = RegionOption();
        var json = Formats.JsonOption();
        var command = new Command("query", "Lists audit entries, oldest first, across the region's partitions (officers, DPO).")
        {
            actor, action, target, tenant, subject, from, until, limit, region, json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            var most = parseResult.GetValue(limit);
            if (most < 1)
            {
                throw new UsageException($"--limit {most} is not a number of entries: use 1 or more.");
            }

            var request = new QueryTrailRequest
            {
                Actor = parseResult.GetValue(actor) ?? "",
                Action = parseResult.GetValue(action) ?? "",
                Target = parseResult.GetValue(target) ?? "",
                TenantId = parseResult.GetValue(tenant) ?? "",
                SubjectId = parseResult.GetValue(subject) ?? "",
                From = Time(parseResult, from),
                Until = Time(parseResult, until),
                Region = parseResult.GetValue(region) ?? "",
            };

            using var custodian = gateway.Connect(parseResult);
            var client = custodian.Audit;
            var all = new QueryTrailResponse();
            do
            {
                request.PageSize = Math.Min(MaxPageSize, most - all.Entries.Count);
                var page = await client.QueryTrailAsync(request, cancellationToken: cancellationToken);
                all.Entries.AddRange(page.Entries);
                all.NextPageToken = request.PageToken = page.NextPageToken;
            }
            while (all.NextPageToken.Length > 0 && all.Entries.Count < most);

            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(all));
                return;
            }

            var table = new TableWriter("AT", "PARTITION", "SEQ", "ACTOR", "ACTION", "TARGET", "OUTCOME", "COUNT", "SOURCE", "GRANT", "PURPOSE");
            foreach (var e in all.Entries)
            {
                table.AddRow(Formats.Time(e.At), e.Partition, e.Sequence.ToString(CultureInfo.InvariantCulture), e.Actor, e.Action, e.Target,
                    e.Outcome, Math.Max(1, e.Count).ToString(CultureInfo.InvariantCulture), e.SourceIp, e.GrantId.Length == 0 ? "-" : e.GrantId,
                    e.Purpose.Length == 0 ? "-" : e.Purpose);
            }

            table.WriteTo(output);
            if (all.NextPageToken.Length > 0)
            {
                await output.WriteLineAsync($"(more entries follow: raise --limit above {most})");
            }
        }));
        return command;
    }

    /// <summary>How the partition's tail compares with its checkpoints, e.g. "matches 120 (eu-north)", and any forged checkpoint.</summary>
    private static string Tail(PartitionVerification p)
    {
        var checkpoint = string.Create(CultureInfo.InvariantCulture, $"{p.CheckpointSequence} ({p.CheckpointSource})");
        var tail = p.Tail switch
        {
            TailCheck.NoCheckpoint => p.CheckpointSource.Length == 0 ? "no checkpoint" : $"no checkpoint ({p.CheckpointSource})",
            TailCheck.Matches => "matches " + checkpoint,
            TailCheck.Truncated => "TRUNCATED before " + checkpoint,
            TailCheck.Rewritten => "REWRITTEN at " + checkpoint,
            _ => "-",
        };
        return p.ForgedCheckpoints == 0 ? tail : string.Create(CultureInfo.InvariantCulture, $"{tail}; {p.ForgedCheckpoints} FORGED checkpoint(s) ignored");
    }

    /// <summary>The <c>--region</c> option: whose trail to read (a forwarded call is recorded in the trail of the region that served its tenant).</summary>
    private static Option<string> RegionOption() =>
        new("--region") { Description = "The region whose trail to read, e.g. eu-north (a tenant's calls are recorded where it is written); default: the gateway's own." };

    private static (Option<string> From, Option<string> Until) TimeOptions() =>
        (new Option<string>("--from") { Description = "Only entries from this ISO-8601 time on (inclusive), e.g. 2026-11-26T18:00:00Z." },
         new Option<string>("--until") { Description = "Only entries before this ISO-8601 time (exclusive)." });

    private static Timestamp? Time(ParseResult parseResult, Option<string> option) =>
        parseResult.GetValue(option) is { } text ? Timestamp.FromDateTimeOffset(Formats.ParseTime(text, option.Name)) : null;
}
