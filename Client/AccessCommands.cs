using System.CommandLine;
using Custodian.Gateway.Protos.Access;
using Google.Protobuf.WellKnownTypes;
using AccessClient = Custodian.Gateway.Protos.Access.Access.AccessClient;

namespace Custodian.Cli;

/// <summary><c>custodian access issue|approve|revoke|renew|show|log|export</c>: grants and the log of granted authorisations.</summary>
internal static class AccessCommands
{
    private static readonly string[] OperationNames = ["read", "write", "export", "erase", "restrict", "file-request"];

    public static Command Create(TextWriter output, TextWriter error)
    {
        var gateway = new GatewayConnection(error);
        var access = new Command("access", "Grants of access to personal data (officers) and the log of granted authorisations (officers, DPO).")
        {
            Issue(gateway, output, error),
            Transition(gateway, output, error, "approve", "A second officer approves a grant awaiting approval.", (c, r) => c.ApproveGrantAsync(r)),
            Transition(gateway, output, error, "revoke", "Revokes a grant at once.", (c, r) => c.RevokeGrantAsync(r)),
            Renew(gateway, output, error),
            Show(gateway, output, error),
            Log(gateway, output, error),
            Export(gateway, output, error),
            Review(gateway, output, error),
        };
        gateway.AddOptionsTo(access);
        return access;
    }

    private static Command Issue(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var principal = new Option<string>("--principal") { Description = "Who gets access (the sub of their tokens).", Required = true };
        var tenant = new Option<string>("--tenant") { Description = "The tenant the grant reaches.", Required = true };
        var subjects = new Option<string[]>("--subject") { Description = "A subject the grant reaches; repeat; none for all.", Arity = ArgumentArity.ZeroOrMore };
        var categories = new Option<string[]>("--category") { Description = "A category the grant reaches; repeat; none for all.", Arity = ArgumentArity.ZeroOrMore };
        var operations = new Option<string[]>("--operation") { Description = "read, write, export, erase or restrict; repeat.", Required = true, Arity = ArgumentArity.OneOrMore };
        operations.AcceptOnlyFromAmong(OperationNames);
        var purpose = new Option<string>("--purpose") { Description = "What the access is for: a purpose identifier (e.g. support, legal-claims), the one reads name and objections match.", Required = true };
        var justification = new Option<string>("--justification") { Description = "Why this principal needs it.", Required = true };
        var cidrs = new Option<string[]>("--cidr") { Description = "A source network (CIDR) the principal may call from; repeat.", Required = true, Arity = ArgumentArity.OneOrMore };
        var ttl = new Option<string>("--ttl") { Description = "How long from now, e.g. 2h (at most the policy's maximum, 8h by default).", DefaultValueFactory = _ => "1h" };
        var command = new Command("issue", "Issues a grant (officers).") { principal, tenant, subjects, categories, operations, purpose, justification, cidrs, ttl };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            var lifetime = Ttl.Parse(parseResult.GetRequiredValue(ttl));
            using var custodian = gateway.Connect(parseResult);
            var now = DateTimeOffset.UtcNow;
            var request = new IssueGrantRequest
            {
                Principal = parseResult.GetRequiredValue(principal),
                Scope = new GrantScope { TenantId = parseResult.GetRequiredValue(tenant) },
                Purpose = parseResult.GetRequiredValue(purpose),
                Justification = parseResult.GetRequiredValue(justification),
                ValidFrom = Timestamp.FromDateTimeOffset(now),
                ValidUntil = Timestamp.FromDateTimeOffset(now + lifetime),
            };
            request.Scope.SubjectIds.AddRange(parseResult.GetValue(subjects) ?? []);
            request.Scope.Categories.AddRange(parseResult.GetValue(categories) ?? []);
            request.Operations.AddRange(parseResult.GetRequiredValue(operations).Select(o => (Operation)(Array.IndexOf(OperationNames, o) + 1)));
            request.Cidrs.AddRange(parseResult.GetRequiredValue(cidrs));
            WriteGrant(output, await custodian.Access.IssueGrantAsync(request, cancellationToken: cancellationToken));
        }));
        return command;
    }

    private static Command Transition(
        GatewayConnection gateway, TextWriter output, TextWriter error, string name, string description,
        Func<AccessClient, GrantActionRequest, Grpc.Core.AsyncUnaryCall<Grant>> call)
    {
        var id = new Argument<string>("grant-id");
        var reason = new Option<string>("--reason") { Description = "Why.", Required = true };
        var command = new Command(name, description + " (officers)") { id, reason };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new GrantActionRequest { GrantId = parseResult.GetRequiredValue(id), Reason = parseResult.GetRequiredValue(reason) };
            WriteGrant(output, await call(custodian.Access, request));
        }));
        return command;
    }

    private static Command Renew(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var id = new Argument<string>("grant-id");
        var justification = new Option<string>("--justification") { Description = "Why the access is still needed.", Required = true };
        var ttl = new Option<string>("--ttl") { Description = "How long from now.", DefaultValueFactory = _ => "1h" };
        var command = new Command("renew", "Renews a grant as a new grant with a new window (officers).") { id, justification, ttl };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            var lifetime = Ttl.Parse(parseResult.GetRequiredValue(ttl));
            using var custodian = gateway.Connect(parseResult);
            WriteGrant(output, await custodian.Access.RenewGrantAsync(new RenewGrantRequest
            {
                GrantId = parseResult.GetRequiredValue(id),
                Justification = parseResult.GetRequiredValue(justification),
                ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + lifetime),
            }, cancellationToken: cancellationToken));
        }));
        return command;
    }

    private static Command Show(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var id = new Argument<string>("grant-id");
        var command = new Command("show", "Shows a grant and its history.") { id };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var grant = await custodian.Access.GetGrantAsync(new GetGrantRequest { GrantId = parseResult.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            WriteGrant(output, grant);
            var history = new TableWriter("AT", "ACTION", "BY", "REASON");
            foreach (var entry in grant.History)
            {
                history.AddRow(Formats.Time(entry.At), entry.Action, entry.Actor, entry.Reason);
            }

            output.WriteLine();
            history.WriteTo(output);
        }));
        return command;
    }

    private static Command Log(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var (principal, tenant) = FilterOptions();
        var command = new Command("log", "Lists the log of granted authorisations.") { principal, tenant };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var log = await custodian.Access.ListGrantLogAsync(Filter(parseResult, principal, tenant), cancellationToken: cancellationToken);
            var table = new TableWriter("AT", "GRANT", "PRINCIPAL", "TENANT", "ACTION", "BY", "REASON");
            foreach (var entry in log.Events)
            {
                table.AddRow(Formats.Time(entry.At), entry.GrantId, entry.Principal, entry.TenantId, entry.Action, entry.Actor, entry.Reason);
            }

            table.WriteTo(output);
        }));
        return command;
    }

    private static Command Export(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var (principal, tenant) = FilterOptions();
        var format = new Option<string>("--format") { Description = "csv or json.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var command = new Command("export", "Prints the log of granted authorisations as CSV or JSON.") { principal, tenant, format };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var export = await custodian.Access.ExportGrantLogAsync(
                new ExportGrantLogRequest { Filter = Filter(parseResult, principal, tenant), Format = parseResult.GetRequiredValue(format) },
                cancellationToken: cancellationToken);
            await output.WriteAsync(export.Content.ToStringUtf8());
        }));
        return command;
    }

    private static Command Review(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var open = new Command("open", "Opens an access review of every grant in force (officers); shows the open one if any.");
        open.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            WriteReview(output, await custodian.Access.OpenReviewAsync(new OpenReviewRequest(), cancellationToken: cancellationToken));
        }));
        var show = new Command("show", "Shows the open access review, or the last one.");
        show.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            WriteReview(output, await custodian.Access.GetReviewAsync(new GetReviewRequest(), cancellationToken: cancellationToken));
        }));
        var id = new Argument<string>("grant-id");
        var decision = new Argument<string>("decision") { Description = "confirm or revoke." };
        decision.AcceptOnlyFromAmong("confirm", "revoke");
        var reason = new Option<string>("--reason") { Description = "Why.", Required = true };
        var decide = new Command("decide", "Confirms or revokes one grant of the open review (officers).") { id, decision, reason };
        decide.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            WriteReview(output, await custodian.Access.DecideReviewItemAsync(new DecideReviewItemRequest
            {
                GrantId = parseResult.GetRequiredValue(id),
                Confirm = parseResult.GetRequiredValue(decision) == "confirm",
                Reason = parseResult.GetRequiredValue(reason),
            }, cancellationToken: cancellationToken));
        }));
        return new Command("review", "Access reviews: every grant in force, confirmed or revoked by a deadline.") { open, show, decide };
    }

    private static void WriteReview(TextWriter output, AccessReview review)
    {
        output.WriteLine($"Review {review.ReviewId}, opened {Formats.Time(review.OpenedAt)} by {review.OpenedBy}, deadline {Formats.Time(review.Deadline)}{(review.Closed ? ", closed" : "")}");
        var table = new TableWriter("GRANT", "PRINCIPAL", "TENANT", "VALID UNTIL", "LAST USED", "DECISION", "BY");
        foreach (var item in review.Items)
        {
            table.AddRow(item.GrantId, item.Principal, item.TenantId, Formats.Time(item.ValidUntil), item.LastUsedAt is null ? "never" : Formats.Time(item.LastUsedAt),
                item.Decision.ToString().Replace("REVIEW_DECISION_", "", StringComparison.Ordinal).ToLowerInvariant(), item.DecidedBy.Length == 0 ? "-" : item.DecidedBy);
        }

        table.WriteTo(output);
    }

    private static (Option<string> Principal, Option<string> Tenant) FilterOptions() =>
        (new Option<string>("--principal") { Description = "Only this principal's grants." },
         new Option<string>("--tenant") { Description = "Only grants on this tenant." });

    private static ListGrantLogRequest Filter(ParseResult parseResult, Option<string> principal, Option<string> tenant) =>
        new() { Principal = parseResult.GetValue(principal) ?? "", TenantId = parseResult.GetValue(tenant) ?? "" };

    private static void WriteGrant(TextWriter output, Grant grant)
    {
        var table = new TableWriter();
        table.AddRow("Grant:", grant.GrantId);
        table.AddRow("Status:", grant.Status.ToString().Replace("GRANT_STATUS_", "", StringComparison.Ordinal).ToLowerInvariant());
        table.AddRow("Principal:", grant.Principal);
        table.AddRow("Tenant:", grant.Scope.TenantId);
        table.AddRow("Subjects:", grant.Scope.SubjectIds.Count == 0 ? "all" : string.Join(", ", grant.Scope.SubjectIds));
        table.AddRow("Categories:", grant.Scope.Categories.Count == 0 ? "all" : string.Join(", ", grant.Scope.Categories));
        table.AddRow("Operations:", string.Join(", ", grant.Operations.Select(o => o.ToString().Replace("OPERATION_", "", StringComparison.Ordinal).ToLowerInvariant())));
        table.AddRow("From networks:", string.Join(", ", grant.Cidrs));
        table.AddRow("Valid:", $"{Formats.Time(grant.ValidFrom)} to {Formats.Time(grant.ValidUntil)}");
        table.AddRow("Issued by:", grant.IssuedBy);
        table.AddRow("Approved by:", grant.ApprovedBy.Length == 0 ? "-" : grant.ApprovedBy);
        table.WriteTo(output);
    }
}
