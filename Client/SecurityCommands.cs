using System.CommandLine;
using System.Globalization;
using Custodian.Gateway.Protos.Security;
using Google.Protobuf.WellKnownTypes;

namespace Custodian.Cli;

/// <summary><c>custodian security alerts|activity|resume</c>: security reports on access patterns.</summary>
internal static class SecurityCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var gateway = new GatewayConnection(error);
        var security = new Command("security", "Security reports: alerts raised by the access-pattern rules, per-principal activity, lifting suspensions (officers, DPO).")
        {
            Alerts(gateway, output, error),
            Activity(gateway, output, error),
            Resume(gateway, output, error),
        };
        gateway.AddOptionsTo(security);
        return security;
    }

    private static Command Alerts(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var since = new Option<string>("--since") { Description = "Only alerts raised at or after this time (ISO 8601; UTC unless it says otherwise)." };
        var limit = new Option<int>("--limit") { Description = "At most this many (1-1000).", DefaultValueFactory = _ => 100 };
        var json = Formats.JsonOption();
        var command = new Command("alerts", "Lists the region's security alerts, newest first.") { since, limit, json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new ListAlertsRequest { Limit = parseResult.GetValue(limit) };
            if (parseResult.GetValue(since) is { } from)
            {
                request.Since = Timestamp.FromDateTimeOffset(Formats.ParseTime(from, since.Name));
            }

            var response = await custodian.SecurityReports.ListAlertsAsync(request, cancellationToken: cancellationToken);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(response));
                return;
            }

            var table = new TableWriter("AT", "RULE", "PRINCIPAL", "SUSPENDED", "INCIDENT", "ALERT", "DETAIL");
            foreach (var a in response.Alerts)
            {
                table.AddRow(Formats.Time(a.At), a.Rule, a.Principal, a.Suspended ? "yes" : "no", a.IncidentId.Length == 0 ? "-" : a.IncidentId, a.AlertId, a.Detail);
            }

            table.WriteTo(output);
            await output.WriteLineAsync($"{response.Alerts.Count} alert(s)");
        }));
        return command;
    }

    private static Command Activity(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var principal = new Argument<string>("principal") { Description = "The principal (token subject)." };
        var json = Formats.JsonOption();
        var command = new Command("activity", "Shows a principal's calls, denials and exports by minute (last hour) and hour (last week).") { principal, json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var activity = await custodian.SecurityReports.GetActivityAsync(
                new GetActivityRequest { Principal = parseResult.GetRequiredValue(principal) }, cancellationToken: cancellationToken);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(activity));
                return;
            }

            var summary = new TableWriter();
            summary.AddRow("Principal:", activity.Principal);
            summary.AddRow("Baseline:", string.Create(CultureInfo.InvariantCulture, $"{activity.BaselinePerMinute:F1} calls per minute"));
            summary.AddRow("Known networks:", activity.KnownNetworks.ToString(CultureInfo.InvariantCulture));
            summary.AddRow("Suspended:", activity.Suspension is null ? "no" : $"since {Formats.Time(activity.Suspension.Since)} by alert {activity.Suspension.AlertId} ({activity.Suspension.Rule})");
            summary.WriteTo(output);
            foreach (var (title, buckets) in new[] { ("By minute:", activity.Minutes), ("By hour:", activity.Hours) })
            {
                await output.WriteLineAsync(title);
                var table = new TableWriter("START", "CALLS", "DENIED", "EXPORTS");
                foreach (var b in buckets)
                {
                    table.AddRow(Formats.Time(b.Start), $"{b.Calls}", $"{b.Denied}", $"{b.Exports}");
                }

                table.WriteTo(output);
            }
        }));
        return command;
    }

    private static Command Resume(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var principal = new Argument<string>("principal") { Description = "The suspended principal." };
        var reason = new Option<string>("--reason") { Description = "Why the suspension is lifted.", Required = true };
        var command = new Command("resume", "Lifts the suspension an alert put on a principal's grants. Officers only.") { principal, reason };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.SecurityReports.ResumePrincipalAsync(
                new ResumePrincipalRequest { Principal = parseResult.GetRequiredValue(principal), Reason = parseResult.GetRequiredValue(reason) },
                cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Suspension of {parseResult.GetRequiredValue(principal)} lifted (it was raised by alert {response.Lifted.AlertId}, rule {response.Lifted.Rule}).");
        }));
        return command;
    }
}
