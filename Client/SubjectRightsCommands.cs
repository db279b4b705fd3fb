using System.CommandLine;
using System.Globalization;
using Custodian.Gateway.Protos.Subjects;
using Google.Protobuf.WellKnownTypes;

namespace Custodian.Cli;

/// <summary>
/// The data subject's rights under <c>custodian subjects</c>: <c>rectify</c>, <c>restrict</c>,
/// <c>lift-restriction</c>, <c>object</c>, <c>grounds</c>, <c>recipients set|list</c>, <c>export</c>,
/// <c>erase</c>, <c>hold</c>, <c>release-hold</c>.
/// </summary>
internal static class SubjectRightsCommands
{
    private static readonly string[] RestrictionGrounds = ["accuracy-contested", "unlawful-processing", "legal-claims", "objection-pending"];
    private static readonly string[] ErasureExceptions = ["freedom-of-expression", "legal-obligation", "public-health", "archiving-or-research", "legal-claims"];

    public static void AddTo(Command subjects, GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        subjects.Subcommands.Add(Rectify(gateway, output, error));
        subjects.Subcommands.Add(Restrict(gateway, output, error));
        subjects.Subcommands.Add(LiftRestriction(gateway, output, error));
        subjects.Subcommands.Add(Object(gateway, output, error));
        subjects.Subcommands.Add(Grounds(gateway, output, error));
        subjects.Subcommands.Add(Recipients(gateway, output, error));
        subjects.Subcommands.Add(Export(gateway, output, error));
        subjects.Subcommands.Add(Erase(gateway, output, error));
        subjects.Subcommands.Add(Hold(gateway, output, error));
        subjects.Subcommands.Add(ReleaseHold(gateway, output, error));
    }

    private static Command Rectify(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var (tenant, subject, category) = (SubjectsCommands.TenantOption(), SubjectsCommands.SubjectOption(), SubjectsCommands.CategoryOption());
        var fields = new Option<Dictionary<string, string>>("--field")
        {
            Description = "A field to correct as name=value; repeat for several. The field must exist.",
            Required = true,
            HelpName = "name=value",
            Arity = ArgumentArity.OneOrMore,
            CustomParser = SubjectsCommands.ParseFields,
        };
        var command = new Command("rectify", "Corrects existing fields of one category (Art. 16); recipients are notified (Art. 19).") { tenant, subject, category, fields };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new RectifyRequest { TenantId = parseResult.GetRequiredValue(tenant), SubjectId = parseResult.GetRequiredValue(subject), Category = parseResult.GetRequiredValue(category) };
            request.Fields.Add(parseResult.GetRequiredValue(fields));
            var response = await custodian.Subjects.RectifyAsync(request, cancellationToken: cancellationToken);
            await output.WriteLineAsync(response.ChangedFields.Count == 0
                ? $"Nothing to change: the fields already hold these values."
                : $"Rectified {string.Join(", ", response.ChangedFields)} of category {request.Category} at {Formats.Time(response.UpdatedAt)}; {Notices(response.NoticesQueued)}.");
        }));
        return command;
    }

    private static Command Restrict(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var (tenant, subject) = (SubjectsCommands.TenantOption(), SubjectsCommands.SubjectOption());
        var ground = new Option<string>("--ground") { Description = "Why, Art. 18(1)(a)-(d).", Required = true, HelpName = string.Join('|', RestrictionGrounds) };
        ground.AcceptOnlyFromAmong(RestrictionGrounds);
        var command = new Command("restrict", "Restricts processing (Art. 18): data stays stored, reads are refused unless Art. 18(2) allows their purpose.") { tenant, subject, ground };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new RestrictRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                SubjectId = parseResult.GetRequiredValue(subject),
                Ground = (RestrictionGround)(Array.IndexOf(RestrictionGrounds, parseResult.GetRequiredValue(ground)) + 1),
            };
            var response = await custodian.Subjects.RestrictAsync(request, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Processing of subject {request.SubjectId} restricted at {Formats.Time(response.At)}; {Notices(response.NoticesQueued)}.");
        }));
        return command;
    }

    private static Command LiftRestriction(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var (tenant, subject) = (SubjectsCommands.TenantOption(), SubjectsCommands.SubjectOption());
        var informed = new Option<string>("--informed-at") { Description = "When the subject was told the restriction will be lifted (Art. 18(3)), ISO 8601.", Required = true };
        var command = new Command("lift-restriction", "Lifts the restriction, once the subject was informed (Art. 18(3)).") { tenant, subject, informed };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            var at = Formats.ParseTime(parseResult.GetRequiredValue(informed), "--informed-at");
            using var custodian = gateway.Connect(parseResult);
            var request = new LiftRestrictionRequest { TenantId = parseResult.GetRequiredValue(tenant), SubjectId = parseResult.GetRequiredValue(subject), SubjectInformedAt = Timestamp.FromDateTimeOffset(at) };
            var response = await custodian.Subjects.LiftRestrictionAsync(request, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Restriction of subject {request.SubjectId} lifted at {Formats.Time(response.At)}.");
        }));
        return command;
    }

    private static Command Object(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var (tenant, subject) = (SubjectsCommands.TenantOption(), SubjectsCommands.SubjectOption());
        var purpose = new Option<string>("--purpose") { Description = "The purpose objected to, e.g. marketing or profiling.", Required = true };
        var directMarketing = new Option<bool>("--direct-marketing") { Description = "The purpose is direct marketing: the objection is absolute (Art. 21(3))." };
        var command = new Command("object", "Records the subject's objection to processing for one purpose (Art. 21).") { tenant, subject, purpose, directMarketing };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new ObjectRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                SubjectId = parseResult.GetRequiredValue(subject),
                Purpose = parseResult.GetRequiredValue(purpose),
                DirectMarketing = parseResult.GetValue(directMarketing),
            };
            var response = await custodian.Subjects.ObjectAsync(request, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Objection of subject {request.SubjectId} to {request.Purpose} recorded at {Formats.Time(response.At)}; reads for it are refused.");
        }));
        return command;
    }

    private static Command Grounds(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var (tenant, subject) = (SubjectsCommands.TenantOption(), SubjectsCommands.SubjectOption());
        var purpose = new Option<string>("--purpose") { Description = "The purpose whose objection the grounds override.", Required = true };
        var grounds = new Option<string>("--grounds") { Description = "The compelling legitimate grounds (Art. 21(1)); kept encrypted, never in the audit trail.", Required = true };
        var command = new Command("grounds", "Officers and the DPO: records compelling grounds that override an objection (never one to direct marketing).") { tenant, subject, purpose, grounds };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new RecordCompellingGroundsRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                SubjectId = parseResult.GetRequiredValue(subject),
                Purpose = parseResult.GetRequiredValue(purpose),
                Grounds = parseResult.GetRequiredValue(grounds),
            };
            var response = await custodian.Subjects.RecordCompellingGroundsAsync(request, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Compelling grounds for {request.Purpose} recorded at {Formats.Time(response.At)}; processing for it may resume.");
        }));
        return command;
    }

    private static Command Recipients(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var (tenant, subject, category) = (SubjectsCommands.TenantOption(), SubjectsCommands.SubjectOption(), SubjectsCommands.CategoryOption());
        var recipient = new Option<string[]>("--recipient")
        {
            Description = "A recipient as name=email, or name=email=country for one outside the EU/EEA; repeat for several; none removes them.",
            HelpName = "name=email[=country]",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var set = new Command("set", "Replaces the recipients of one category (Art. 19).") { tenant, subject, category, recipient };
        set.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            var request = new SetRecipientsRequest { TenantId = parseResult.GetRequiredValue(tenant), SubjectId = parseResult.GetRequiredValue(subject), Category = parseResult.GetRequiredValue(category) };
            foreach (var text in parseResult.GetValue(recipient) ?? [])
            {
                var parts = text.Split('=');
                if (parts.Length is < 2 or > 3)
                {
                    throw new UsageException($"--recipient '{text}' is not name=email or name=email=country.");
                }

                request.Recipients.Add(new Recipient { Name = parts[0], Email = parts[1], ThirdCountry = parts.Length == 3 ? parts[2] : "" });
            }

            using var custodian = gateway.Connect(parseResult);
            await custodian.Subjects.SetRecipientsAsync(request, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Category {request.Category} of subject {request.SubjectId} has {request.Recipients.Count} recipient(s).");
        }));

        var (listTenant, listSubject, listPurpose) = (SubjectsCommands.TenantOption(), SubjectsCommands.SubjectOption(), SubjectsCommands.PurposeOption());
        var list = new Command("list", "Lists the recipients of every category (Art. 19), as the subject may ask.") { listTenant, listSubject, listPurpose };
        list.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new ListRecipientsRequest
            {
                TenantId = parseResult.GetRequiredValue(listTenant),
                SubjectId = parseResult.GetRequiredValue(listSubject),
                Purpose = parseResult.GetValue(listPurpose) ?? "",
            };
            var response = await custodian.Subjects.ListRecipientsAsync(request, cancellationToken: cancellationToken);
            if (response.Erasure is { } erasure)
            {
                await output.WriteLineAsync(SubjectsCommands.Erased(request.SubjectId, erasure));
                return;
            }

            var table = new TableWriter("CATEGORY", "RECIPIENT", "E-MAIL", "COUNTRY");
            foreach (var category in response.Categories)
            {
                foreach (var r in category.Recipients)
                {
                    table.AddRow(category.Category, r.Name, r.Email, r.ThirdCountry.Length == 0 ? "EU/EEA" : r.ThirdCountry);
                }
            }

            table.WriteTo(output);
        }));

        return new Command("recipients", "Recipients of a subject's data (Art. 19).") { set, list };
    }

    private static Command Export(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var (tenant, subject) = (SubjectsCommands.TenantOption(), SubjectsCommands.SubjectOption());
        var portability = new Option<bool>("--portability") { Description = "Art. 20: only the data the subject provided." };
        var file = new Option<FileInfo>("--output", "-o") { Description = "Write the JSON document to this file instead of standard output." };
        var command = new Command("export", "Exports everything held about a subject as JSON (Art. 15), with the Art. 15(1) information and the subject's access log.") { tenant, subject, portability, file };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new ExportRequest { TenantId = parseResult.GetRequiredValue(tenant), SubjectId = parseResult.GetRequiredValue(subject), Portability = parseResult.GetValue(portability) };
            var response = await custodian.Subjects.ExportAsync(request, cancellationToken: cancellationToken);
            if (parseResult.GetValue(file) is { } target)
            {
                await File.WriteAllBytesAsync(target.FullName, response.Json.ToByteArray(), cancellationToken);
                await output.WriteLineAsync($"Wrote the export of subject {request.SubjectId} ({response.Json.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes, {response.AccessLogEntries} access-log entries) to {target.FullName}.");
                return;
            }

            await output.WriteLineAsync(response.Json.ToStringUtf8());
        }));
        return command;
    }

    private static Command Erase(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var (tenant, subject) = (SubjectsCommands.TenantOption(), SubjectsCommands.SubjectOption());
        var reason = new Option<string>("--reason") { Description = "Why, e.g. the request id; kept in the shred receipt.", Required = true };
        var command = new Command("erase", "Erases a subject (Art. 17): crypto-shreds it, or under a legal hold removes only what the hold does not keep.") { tenant, subject, reason };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new EraseRequest { TenantId = parseResult.GetRequiredValue(tenant), SubjectId = parseResult.GetRequiredValue(subject), Reason = parseResult.GetRequiredValue(reason) };
            var response = await custodian.Subjects.EraseAsync(request, cancellationToken: cancellationToken);
            if (response.Erasure is { } erasure)
            {
                await output.WriteLineAsync(SubjectsCommands.Erased(request.SubjectId, erasure) + $" {Notices(response.NoticesQueued)}.");
                return;
            }

            await output.WriteLineAsync($"A legal hold ({response.HeldBy}) keeps {string.Join(", ", response.KeptCategories)}; erased: {(response.ErasedCategories.Count == 0 ? "nothing" : string.Join(", ", response.ErasedCategories))}; {Notices(response.NoticesQueued)}.");
        }));
        return command;
    }

    private static Command Hold(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var (tenant, subject) = (SubjectsCommands.TenantOption(), SubjectsCommands.SubjectOption());
        var ground = new Option<string>("--ground") { Description = "The ground, Art. 17(3)(a)-(e).", Required = true, HelpName = string.Join('|', ErasureExceptions) };
        ground.AcceptOnlyFromAmong(ErasureExceptions);
        var categories = new Option<string[]>("--category") { Description = "A category to hold; repeat for several; none holds all.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("hold", "Officers and the DPO: places a legal hold that keeps data from erasure (Art. 17(3)).") { tenant, subject, ground, categories };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new PlaceLegalHoldRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                SubjectId = parseResult.GetRequiredValue(subject),
                Ground = (ErasureException)(Array.IndexOf(ErasureExceptions, parseResult.GetRequiredValue(ground)) + 1),
            };
            request.Categories.AddRange(parseResult.GetValue(categories) ?? []);
            var response = await custodian.Subjects.PlaceLegalHoldAsync(request, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Legal hold placed on {(request.Categories.Count == 0 ? "all categories" : string.Join(", ", request.Categories))} of subject {request.SubjectId} at {Formats.Time(response.At)}.");
        }));
        return command;
    }

    private static Command ReleaseHold(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var (tenant, subject) = (SubjectsCommands.TenantOption(), SubjectsCommands.SubjectOption());
        var command = new Command("release-hold", "Officers and the DPO: releases the legal hold.") { tenant, subject };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new ReleaseLegalHoldRequest { TenantId = parseResult.GetRequiredValue(tenant), SubjectId = parseResult.GetRequiredValue(subject) };
            var response = await custodian.Subjects.ReleaseLegalHoldAsync(request, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Legal hold on subject {request.SubjectId} released at {Formats.Time(response.At)}.");
        }));
        return command;
    }

    private static string Notices(int queued) => queued == 1 ? "1 recipient notice queued" : $"{queued} recipient notices queued";
}
