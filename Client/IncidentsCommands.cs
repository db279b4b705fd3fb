using System.CommandLine;
using System.Globalization;
using Custodian.Gateway.Protos.Incidents;
using Google.Protobuf.WellKnownTypes;
using IncidentsClient = Custodian.Gateway.Protos.Incidents.Incidents.IncidentsClient;

namespace Custodian.Cli;

/// <summary><c>custodian incidents open|show|update|confirm|notify|close|list|export</c>: breach incidents (Art. 33, 34) for officers and the DPO.</summary>
internal static class IncidentsCommands
{
    private static readonly string[] RiskNames = ["unassessed", "none", "risk", "high"];
    private static readonly string[] AudienceNames = ["authority", "customer", "subjects"];
    private static readonly string[] PhaseNames = ["first", "final"];
    private static readonly string[] FormatNames = ["json", "csv"];

    public static Command Create(TextWriter output, TextWriter error)
    {
        var gateway = new GatewayConnection(error);
        var incidents = new Command("incidents", "Personal-data breaches: open with the awareness time, record facts and risk, notify the authority, customers and subjects within 72 hours, close; the register.")
        {
            Open(gateway, output, error),
            Show(gateway, output, error),
            Update(gateway, output, error),
            Simple("confirm", "Confirms a draft (opened by a security-report rule) as a breach.", (c, r, t) => c.ConfirmIncidentAsync(r, cancellationToken: t), gateway, output, error),
            Notify(gateway, output, error),
            Simple("close", "Closes (or dismisses a draft); needs the risk assessed and, unless no risk, the authority notified.", (c, r, t) => c.CloseIncidentAsync(r, cancellationToken: t), gateway, output, error),
            List(gateway, output, error),
            Export(gateway, output, error),
        };
        gateway.AddOptionsTo(incidents);
        return incidents;
    }

    private static Option<string> Tenant() => new("--tenant") { Description = "The tenant of the incident (provider for one not tied to a tenant).", Required = true };

    private static Argument<string> IncidentId() => new("incident") { Description = "The incident id (letters, digits, '-', '_')." };

    /// <summary>The options of the Art. 33(3) facts, shared by open and update; unset ones are not sent.</summary>
    private sealed class FactOptions
    {
        public Option<string> Nature { get; } = new("--nature") { Description = "(a) Nature of the breach." };
        public Option<string> SubjectCategories { get; } = new("--subject-categories") { Description = "(a) Categories of data subjects, comma-separated." };
        public Option<long?> Subjects { get; } = new("--subjects") { Description = "(a) Approximate number of data subjects." };
        public Option<string> RecordCategories { get; } = new("--record-categories") { Description = "(a) Categories of records, comma-separated." };
        public Option<long?> Records { get; } = new("--records") { Description = "(a) Approximate number of records." };
        public Option<string> Tenants { get; } = new("--affected-tenants") { Description = "Affected tenant ids, comma-separated." };
        public Option<string> AffectedSubjects { get; } = new("--affected-subjects") { Description = "Affected subjects as tenant/subject, comma-separated." };
        public Option<string> Consequences { get; } = new("--consequences") { Description = "(c) Likely consequences." };
        public Option<string> Measures { get; } = new("--measures") { Description = "(d) Measures taken or proposed." };
        public Option<string> Contact { get; } = new("--contact") { Description = "(b) Name and contact of the DPO or other contact point." };
        public Option<string> Risk { get; } = new("--risk") { Description = "Risk assessment." };
        public Option<bool?> EncryptedAtRest { get; } = new("--encrypted-at-rest") { Description = "The affected data is the encrypted stored state (true) or was read in clear (false)." };
        public Option<string> CompromisedKeys { get; } = new("--compromised-keys") { Description = "Compromised key-encryption-key versions, comma-separated, or 'none'." };

        public IEnumerable<System.CommandLine.Option> All => [Nature, SubjectCategories, Subjects, RecordCategories, Records, Tenants, AffectedSubjects, Consequences, Measures, Contact, Risk, EncryptedAtRest, CompromisedKeys];

        public FactOptions() => Risk.AcceptOnlyFromAmong(RiskNames);

        public IncidentFacts Read(ParseResult p)
        {
            var facts = new IncidentFacts();
            if (p.GetValue(Nature) is { } nature) { facts.Nature = nature; }
            if (p.GetValue(SubjectCategories) is { } sc) { facts.SubjectCategories = List(sc); }
            if (p.GetValue(Subjects) is { } subjects) { facts.ApproximateSubjects = subjects; }
            if (p.GetValue(RecordCategories) is { } rc) { facts.RecordCategories = List(rc); }
            if (p.GetValue(Records) is { } records) { facts.ApproximateRecords = records; }
            if (p.GetValue(Tenants) is { } tenants) { facts.AffectedTenants = List(tenants); }
            if (p.GetValue(AffectedSubjects) is { } affected) { facts.AffectedSubjects = List(affected); }
            if (p.GetValue(Consequences) is { } consequences) { facts.LikelyConsequences = consequences; }
            if (p.GetValue(Measures) is { } measures) { facts.Measures = measures; }
            if (p.GetValue(Contact) is { } contact) { facts.ContactPoint = contact; }
            if (p.GetValue(Risk) is { } risk) { facts.Risk = (RiskLevel)Array.IndexOf(RiskNames, risk); }
            if (p.GetValue(EncryptedAtRest) is { } encrypted) { facts.EncryptedAtRest = encrypted; }
            if (p.GetValue(CompromisedKeys) is { } keys) { facts.CompromisedKeyVersions = keys == "none" ? new StringList() : List(keys); }
            return facts;
        }

        private static StringList List(string text) => new() { Values = { text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) } };
    }

    private static Command Open(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = Tenant();
        var id = IncidentId();
        var aware = new Option<string>("--aware-at") { Description = "When the provider became aware (ISO 8601; UTC unless it says otherwise); the notice is due 72 hours later.", Required = true };
        var facts = new FactOptions();
        var command = new Command("open", "Opens an incident.") { id, tenant, aware };
        foreach (var option in facts.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Incidents.OpenIncidentAsync(new OpenIncidentRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                IncidentId = parseResult.GetRequiredValue(id),
                AwareAt = Timestamp.FromDateTimeOffset(Formats.ParseTime(parseResult.GetRequiredValue(aware), aware.Name)),
                Facts = facts.Read(parseResult),
            }, cancellationToken: cancellationToken);
            await WriteAsync(output, response, json: false);
        }));
        return command;
    }

    private static Command Update(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = Tenant();
        var id = IncidentId();
        var facts = new FactOptions();
        var command = new Command("update", "Records facts and the risk assessment; options not given stay as they are.") { id, tenant };
        foreach (var option in facts.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Incidents.UpdateIncidentAsync(new UpdateIncidentRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant), IncidentId = parseResult.GetRequiredValue(id), Facts = facts.Read(parseResult),
            }, cancellationToken: cancellationToken);
            await WriteAsync(output, response, json: false);
        }));
        return command;
    }

    private static Command Show(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = Tenant();
        var id = IncidentId();
        var json = Formats.JsonOption();
        var command = new Command("show", "Shows an incident: deadline, escalations, notices, mail deliveries and history.") { id, tenant, json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Incidents.GetIncidentAsync(
                new IncidentRef { TenantId = parseResult.GetRequiredValue(tenant), IncidentId = parseResult.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            await WriteAsync(output, response, parseResult.GetValue(json));
        }));
        return command;
    }

    private static Command Notify(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = Tenant();
        var id = IncidentId();
        var to = new Option<string>("--to") { Description = "authority (Art. 33(1)), customer (Art. 33(2)) or subjects (Art. 34).", Required = true };
        to.AcceptOnlyFromAmong(AudienceNames);
        var phase = new Option<string>("--phase") { Description = "first (what is known now, Art. 33(4)) or final (complete Art. 33(3) content).", Required = true };
        phase.AcceptOnlyFromAmong(PhaseNames);
        var reasons = new Option<string>("--delay-reasons") { Description = "Reasons for the delay; required for an authority notice after 72 hours." };
        var culture = new Option<string>("--culture") { Description = "The e-mail's language, e.g. en." };
        var command = new Command("notify", "Sends a notice by e-mail (stored in the outbox first, delivered at least once).") { id, tenant, to, phase, reasons, culture };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Incidents.SendNoticeAsync(new SendNoticeRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                IncidentId = parseResult.GetRequiredValue(id),
                Audience = (NoticeAudience)(Array.IndexOf(AudienceNames, parseResult.GetRequiredValue(to)) + 1),
                Phase = (NoticePhase)(Array.IndexOf(PhaseNames, parseResult.GetRequiredValue(phase)) + 1),
                DelayReasons = parseResult.GetValue(reasons) ?? "",
                Culture = parseResult.GetValue(culture) ?? "",
            }, cancellationToken: cancellationToken);
            await WriteAsync(output, response, json: false);
        }));
        return command;
    }

    private static Command List(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = new Option<string>("--tenant") { Description = "Only this tenant's incidents." };
        var json = Formats.JsonOption();
        var command = new Command("list", "The breach register: every incident, notified or not.") { tenant, json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Incidents.ListIncidentsAsync(new ListIncidentsRequest { TenantId = parseResult.GetValue(tenant) ?? "" }, cancellationToken: cancellationToken);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(response));
                return;
            }

            var table = new TableWriter("TENANT", "INCIDENT", "STATUS", "AWARE", "DEADLINE", "RISK", "OVERDUE", "NOTICES");
            foreach (var i in response.Incidents)
            {
                table.AddRow(i.TenantId, i.IncidentId, Name(i.Status), Formats.Time(i.AwareAt), Formats.Time(i.DeadlineAt), Name(i.Risk), i.Overdue ? "yes" : "no", i.Notices.ToString(CultureInfo.InvariantCulture));
            }

            table.WriteTo(output);
            await output.WriteLineAsync($"{response.Incidents.Count} incident(s)");
        }));
        return command;
    }

    private static Command Export(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var format = new Option<string>("--format") { Description = "json or csv.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong(FormatNames);
        var tenant = new Option<string>("--tenant") { Description = "Only this tenant's incidents." };
        var command = new Command("export", "Prints the breach register (Art. 33(5)) as CSV or JSON.") { format, tenant };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await custodian.Incidents.ExportRegisterAsync(new ExportRegisterRequest
            {
                Format = (RegisterFormat)(Array.IndexOf(FormatNames, parseResult.GetRequiredValue(format)) + 1),
                TenantId = parseResult.GetValue(tenant) ?? "",
            }, cancellationToken: cancellationToken);
            await output.WriteAsync(response.Content);
        }));
        return command;
    }

    private static Command Simple(
        string name, string description, Func<IncidentsClient, IncidentRef, CancellationToken, Grpc.Core.AsyncUnaryCall<IncidentResponse>> call,
        GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = Tenant();
        var id = IncidentId();
        var command = new Command(name, description) { id, tenant };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var response = await call(custodian.Incidents, new IncidentRef { TenantId = parseResult.GetRequiredValue(tenant), IncidentId = parseResult.GetRequiredValue(id) }, cancellationToken);
            await WriteAsync(output, response, json: false);
        }));
        return command;
    }

    private static async Task WriteAsync(TextWriter output, IncidentResponse response, bool json)
    {
        if (json)
        {
            await output.WriteLineAsync(Formats.Json.Format(response));
            return;
        }

        var i = response.Incident;
        await output.WriteLineAsync($"Incident: {i.IncidentId}");
        await output.WriteLineAsync($"Tenant:   {i.TenantId}");
        await output.WriteLineAsync($"Status:   {Name(i.Status)}");
        await output.WriteLineAsync($"Aware:    {Formats.Time(i.AwareAt)}");
        await output.WriteLineAsync($"Deadline: {Formats.Time(i.DeadlineAt)}{(i.Overdue ? " (overdue)" : "")}");
        await output.WriteLineAsync($"Risk:     {Name(i.Facts.Risk)}");
        await output.WriteLineAsync($"Missing:  {(i.MissingParts.Count == 0 ? "nothing (Art. 33(3) complete)" : string.Join(", ", i.MissingParts))}");
        foreach (var e in i.Escalations)
        {
            await output.WriteLineAsync($"Escalated {e.AfterHours.ToString("0.##", CultureInfo.InvariantCulture)} h after awareness at {Formats.Time(e.At)}");
        }

        foreach (var n in i.Notices)
        {
            await output.WriteLineAsync($"Notice {n.Number}: {Name(n.Audience)}, {Name(n.Phase)}, {Formats.Time(n.SentAt)}, {n.MessageIds.Count} mail(s){(n.Late ? ", late" : "")}{(n.ExemptSubjects.Count > 0 ? $", {n.ExemptSubjects.Count} exempt" : "")}");
        }

        foreach (var d in i.Deliveries)
        {
            await output.WriteLineAsync($"Mail {d.MessageId}: {d.State}, {d.Attempts} attempt(s){(d.RelayAnswer.Length > 0 ? ", relay: " + d.RelayAnswer : "")}");
        }
    }

    private static string Name<T>(T value) where T : struct, System.Enum =>
        value.ToString() switch
        {
            "Unspecified" => "-",
            var text => string.Concat(text.Select((c, n) => n > 0 && char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())),
        };
}
