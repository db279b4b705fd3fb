using System.CommandLine;
using System.Globalization;
using Custodian.Gateway.Protos.Requests;
using Google.Protobuf.WellKnownTypes;
using RequestsClient = Custodian.Gateway.Protos.Requests.Requests.RequestsClient;

namespace Custodian.Cli;

/// <summary><c>custodian requests file|show|verify|pause|resume|extend|close|list</c>: data-subject requests (Art. 12).</summary>
internal static class RequestsCommands
{
    private static readonly string[] KindNames = ["access", "portability", "rectification", "erasure", "restriction", "objection"];
    private static readonly string[] ChannelNames = ["api", "helpdesk"];
    private static readonly string[] OutcomeNames = ["fulfilled", "partially-fulfilled", "refused"];
    private static readonly string[] GroundNames = ["manifestly-unfounded", "excessive", "no-action"];
    private static readonly string[] ListingNames = ["open", "due-soon", "overdue"];

    public static Command Create(TextWriter output, TextWriter error)
    {
        var gateway = new GatewayConnection(error);
        var requests = new Command("requests", "Data-subject requests with their legal deadlines: file (client application or helpdesk), then officers and the DPO check identity, pause, resume, extend, close and list.")
        {
            File(gateway, output, error),
            Show(gateway, output, error),
            Verify(gateway, output, error),
            Simple("pause", "Stops the clock while waiting for the subject.", (c, r, t) => c.PauseRequestAsync(r, cancellationToken: t), gateway, output, error),
            Simple("resume", "Starts the clock again; the due date moves by the time it stood still.", (c, r, t) => c.ResumeRequestAsync(r, cancellationToken: t), gateway, output, error),
            Extend(gateway, output, error),
            Close(gateway, output, error),
            List(gateway, output, error),
        };
        gateway.AddOptionsTo(requests);
        return requests;
    }

    private static Option<string> Tenant() => new("--tenant") { Description = "The tenant.", Required = true };

    private static Argument<string> RequestId() => new("request") { Description = "The request id (req-...)." };

    private static Command File(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = Tenant();
        var subject = new Option<string>("--subject") { Description = "The subject's pseudonym.", Required = true };
        var kind = new Option<string>("--kind") { Description = "The right exercised.", Required = true };
        kind.AcceptOnlyFromAmong(KindNames);
        var channel = new Option<string>("--channel") { Description = "api (a client application filing for its user) or helpdesk (staff and officers entering a request received otherwise).", Required = true };
        channel.AcceptOnlyFromAmong(ChannelNames);
        var received = new Option<string>("--received-at") { Description = "When a helpdesk request was received, if earlier than now (ISO 8601; UTC unless it says otherwise)." };
        var json = Formats.JsonOption();
        var command = new Command("file", "Files a request; it is due one calendar month from receipt.") { tenant, subject, kind, channel, received, json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            var request = new FileRequestRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                SubjectId = parseResult.GetRequiredValue(subject),
                Kind = (RequestKind)(Array.IndexOf(KindNames, parseResult.GetRequiredValue(kind)) + 1),
                Channel = (RequestChannel)(Array.IndexOf(ChannelNames, parseResult.GetRequiredValue(channel)) + 1),
            };
            if (parseResult.GetValue(received) is { } at)
            {
                request.ReceivedAt = Timestamp.FromDateTimeOffset(Formats.ParseTime(at, received.Name));
            }

            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Requests.FileRequestAsync(request, cancellationToken: cancellationToken);
            await WriteAsync(output, response, parseResult.GetValue(json));
        }));
        return command;
    }

    private static Command Show(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = Tenant();
        var id = RequestId();
        var json = Formats.JsonOption();
        var command = new Command("show", "Shows a request with its deadline, warnings and history.") { id, tenant, json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Requests.GetRequestAsync(
                new RequestRef { TenantId = parseResult.GetRequiredValue(tenant), RequestId = parseResult.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            await WriteAsync(output, response, parseResult.GetValue(json));
        }));
        return command;
    }

    private static Command Verify(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = Tenant();
        var id = RequestId();
        var failed = new Option<bool>("--failed") { Description = "Record that the identity could not be confirmed (default: verified)." };
        var command = new Command("verify", "Records the identity check of the requester.") { id, tenant, failed };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Requests.CheckIdentityAsync(new CheckIdentityRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                RequestId = parseResult.GetRequiredValue(id),
                Verified = !parseResult.GetValue(failed),
            }, cancellationToken: cancellationToken);
            await WriteAsync(output, response, json: false);
        }));
        return command;
    }

    private static Command Simple(
        string name, string description, Func<RequestsClient, RequestRef, CancellationToken, Grpc.Core.AsyncUnaryCall<RequestResponse>> call,
        GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = Tenant();
        var id = RequestId();
        var command = new Command(name, description) { id, tenant };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await call(custodian.Requests,
                new RequestRef { TenantId = parseResult.GetRequiredValue(tenant), RequestId = parseResult.GetRequiredValue(id) }, cancellationToken);
            await WriteAsync(output, response, json: false);
        }));
        return command;
    }

    private static Command Extend(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = Tenant();
        var id = RequestId();
        var months = new Option<int>("--months") { Description = "Further calendar months, 1 or 2 (2 in total).", Required = true };
        var reasons = new Option<string>("--reasons") { Description = "Why; the subject is told them now.", Required = true };
        var command = new Command("extend", "Extends the deadline (Art. 12(3)); only within the first month.") { id, tenant, months, reasons };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Requests.ExtendRequestAsync(new ExtendRequestRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                RequestId = parseResult.GetRequiredValue(id),
                Months = parseResult.GetValue(months),
                Reasons = parseResult.GetRequiredValue(reasons),
            }, cancellationToken: cancellationToken);
            await WriteAsync(output, response, json: false);
        }));
        return command;
    }

    private static Command Close(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = Tenant();
        var id = RequestId();
        var outcome = new Option<string>("--outcome") { Description = "How the request was answered.", Required = true };
        outcome.AcceptOnlyFromAmong(OutcomeNames);
        var reason = new Option<string>("--reason") { Description = "Why (required for partially-fulfilled and refused)." };
        var ground = new Option<string>("--ground") { Description = "A refusal's ground: Art. 12(5) manifestly-unfounded or excessive, Art. 12(4) no-action." };
        ground.AcceptOnlyFromAmong(GroundNames);
        var told = new Option<bool>("--subject-told-of-remedies") { Description = "The subject was told of the right to complain to a supervisory authority and to seek a judicial remedy (required for a refusal)." };
        var command = new Command("close", "Closes the request with its outcome; final.") { id, tenant, outcome, reason, ground, told };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Requests.CloseRequestAsync(new CloseRequestRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                RequestId = parseResult.GetRequiredValue(id),
                Outcome = (OutcomeKind)(Array.IndexOf(OutcomeNames, parseResult.GetRequiredValue(outcome)) + 1),
                Reason = parseResult.GetValue(reason) ?? "",
                Ground = parseResult.GetValue(ground) is { } g ? (RefusalGround)(Array.IndexOf(GroundNames, g) + 1) : RefusalGround.Unspecified,
                SubjectToldOfRemedies = parseResult.GetValue(told),
            }, cancellationToken: cancellationToken);
            await WriteAsync(output, response, json: false);
        }));
        return command;
    }

    private static Command List(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = Tenant();
        var which = new Option<string>("--which") { Description = "open, due-soon or overdue.", DefaultValueFactory = _ => "open" };
        which.AcceptOnlyFromAmong(ListingNames);
        var json = Formats.JsonOption();
        var command = new Command("list", "Lists a tenant's open, due-soon or overdue requests, soonest due first.") { tenant, which, json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Requests.ListRequestsAsync(new ListRequestsRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                Listing = (RequestListing)(Array.IndexOf(ListingNames, parseResult.GetRequiredValue(which)) + 1),
            }, cancellationToken: cancellationToken);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(response));
                return;
            }

            var table = new TableWriter("REQUEST", "SUBJECT", "KIND", "STATUS", "RECEIVED", "DUE", "OVERDUE");
            foreach (var r in response.Requests)
            {
                table.AddRow(r.RequestId, r.SubjectId, Name(r.Kind), Name(r.Status), Formats.Time(r.ReceivedAt), Formats.Time(r.DueAt), r.Overdue ? "yes" : "no");
            }

            table.WriteTo(output);
            await output.WriteLineAsync($"{response.Requests.Count} request(s)");
        }));
        return command;
    }

    private static async Task WriteAsync(TextWriter output, RequestResponse response, bool json)
    {
        if (json)
        {
            await output.WriteLineAsync(Formats.Json.Format(response));
            return;
        }

        var r = response.Request;
        var summary = new TableWriter();
        summary.AddRow("Request:", r.RequestId);
        summary.AddRow("Tenant:", r.TenantId);
        summary.AddRow("Subject:", r.SubjectId);
        summary.AddRow("Kind:", Name(r.Kind));
        summary.AddRow("Channel:", $"{Name(r.Channel)} (entered by {r.EnteredBy})");
        summary.AddRow("Received:", Formats.Time(r.ReceivedAt));
        summary.AddRow("Identity:", Name(r.Identity));
        summary.AddRow("Status:", Name(r.Status));
        summary.AddRow("Due:", Formats.Time(r.DueAt) + (r.Overdue ? " (overdue)" : ""));
        summary.AddRow("First month ends:", Formats.Time(r.FirstMonthDueAt));
        summary.AddRow("Extension:", r.Extension is null ? "-" : $"{r.Extension.Months} month(s), subject told {Formats.Time(r.Extension.InformedAt)}: {r.Extension.Reasons}");
        summary.AddRow("Outcome:", r.Outcome is null ? "-" : Name(r.Outcome.Kind) + (r.Outcome.Ground == RefusalGround.Unspecified ? "" : $" ({Name(r.Outcome.Ground)})") + (r.Outcome.Reason.Length == 0 ? "" : ": " + r.Outcome.Reason));
        summary.AddRow("Warnings:", r.Warnings.Count == 0 ? "-" : string.Join(", ", r.Warnings.Select(w => w.Before.ToTimeSpan().ToString("c", CultureInfo.InvariantCulture) + " before")));
        summary.WriteTo(output);
        await output.WriteLineAsync("History:");
        var history = new TableWriter("AT", "ACTION", "ACTOR", "DETAIL");
        foreach (var t in r.History)
        {
            history.AddRow(Formats.Time(t.At), t.Action, t.Actor, t.Detail);
        }

        history.WriteTo(output);
    }

    /// <summary>An enum value as the CLI writes it: <c>REQUEST_STATUS_OPEN</c> becomes <c>open</c>.</summary>
    private static string Name<T>(T value) where T : struct, System.Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
