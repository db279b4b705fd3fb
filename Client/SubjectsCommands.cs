using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Custodian.Gateway.Protos.Subjects;
using Google.Protobuf.WellKnownTypes;

namespace Custodian.Cli;

/// <summary>
/// <c>custodian subjects put|get|list</c>: the personal data held about one data subject, through the
/// gateway; the subject's rights are in <see cref="SubjectRightsCommands"/>.
/// </summary>
internal static class SubjectsCommands
{

    public static Command Create(TextWriter output, TextWriter error)
    {
        var gateway = new GatewayConnection(error);
        var subjects = new Command("subjects", "Personal data held about a tenant's data subjects, by category.")
        {
            Put(gateway, output, error),
            Get(gateway, output, error),
            List(gateway, output, error),
        };
        SubjectRightsCommands.AddTo(subjects, gateway, output, error);
        gateway.AddOptionsTo(subjects);
        return subjects;
    }

    private static Command Put(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = TenantOption();
        var subject = SubjectOption();
        var category = CategoryOption();
        var purpose = new Option<string>("--purpose") { Description = "Why the data is processed.", Required = true };
        var legalBasis = new Option<string>("--legal-basis")
        {
            Description = "The lawful basis of processing, GDPR Art. 6(1).",
            Required = true,
            HelpName = string.Join('|', LegalBasisNames.All),
        };
        legalBasis.AcceptOnlyFromAmong(LegalBasisNames.All);
        var fields = new Option<Dictionary<string, string>>("--field")
        {
            Description = "A field of the record as name=value; repeat for several.",
            Required = true,
            HelpName = "name=value",
            Arity = ArgumentArity.OneOrMore,
            CustomParser = ParseFields,
        };

        var source = new Option<string>("--source") { Description = "Where the data came from: subject (the default: provided by the subject) or another identifier, e.g. crm-import." };
        var retention = new Option<string>("--retention") { Description = "How long the data is kept, or the criteria (Art. 15(1)(d))." };
        var command = new Command("put", "Creates or replaces the record of one category of a subject.")
        {
            tenant, subject, category, purpose, legalBasis, fields, source, retention,
        };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var record = new Record
            {
                Category = parseResult.GetRequiredValue(category),
                Purpose = parseResult.GetRequiredValue(purpose),
                LegalBasis = LegalBasisNames.Parse(parseResult.GetRequiredValue(legalBasis)),
                Source = parseResult.GetValue(source) ?? "",
                Retention = parseResult.GetValue(retention) ?? "",
            };
            record.Fields.Add(parseResult.GetRequiredValue(fields));
            var request = new PutRecordRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                SubjectId = parseResult.GetRequiredValue(subject),
                Record = record,
            };

            var response = await custodian.Subjects.PutRecordAsync(request, cancellationToken: cancellationToken);

            await output.WriteLineAsync($"Stored category {record.Category} of subject {request.SubjectId} at {FormatTime(response.UpdatedAt)}");
        }));
        return command;
    }

    private static Command Get(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = TenantOption();
        var subject = SubjectOption();
        var category = CategoryOption();
        var json = new Option<bool>("--json") { Description = "Print the response as JSON (the protobuf JSON mapping)." };
        var purpose = PurposeOption();

        var command = new Command("get", "Shows the record of one category of a subject.") { tenant, subject, category, json, purpose };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new GetRecordRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                SubjectId = parseResult.GetRequiredValue(subject),
                Category = parseResult.GetRequiredValue(category),
                Purpose = parseResult.GetValue(purpose) ?? "",
            };

            var response = await custodian.Subjects.GetRecordAsync(request, cancellationToken: cancellationToken);

            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(Formats.Json.Format(response));
                return;
            }

            if (response.Erasure is { } erasure)
            {
                await output.WriteLineAsync(Erased(request.SubjectId, erasure));
                return;
            }

            var record = response.Record ?? new Record();
            var summary = new TableWriter();
            summary.AddRow("Category:", record.Category);
            summary.AddRow("Purpose:", record.Purpose);
            summary.AddRow("Legal basis:", LegalBasisNames.Format(record.LegalBasis));
            summary.AddRow("Updated at:", FormatTime(response.UpdatedAt));
            summary.WriteTo(output);
            await output.WriteLineAsync();

            var table = new TableWriter("FIELD", "VALUE");
            foreach (var (name, value) in record.Fields.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                table.AddRow(name, value);
            }

            table.WriteTo(output);
        }));
        return command;
    }

    private static Command List(GatewayConnection gateway, TextWriter output, TextWriter error)
    {
        var tenant = TenantOption();
        var subject = SubjectOption();
        var purpose = PurposeOption();

        var command = new Command("list", "Lists the categories held about a subject, without their values.") { tenant, subject, purpose };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            using var custodian = gateway.Connect(parseResult);
            var request = new ListCategoriesRequest
            {
                TenantId = parseResult.GetRequiredValue(tenant),
                SubjectId = parseResult.GetRequiredValue(subject),
                Purpose = parseResult.GetValue(purpose) ?? "",
            };

            var response = await custodian.Subjects.ListCategoriesAsync(request, cancellationToken: cancellationToken);

            if (response.Erasure is { } erasure)
            {
                await output.WriteLineAsync(Erased(request.SubjectId, erasure));
                return;
            }

            if (response.Categories.Count == 0)
            {
                await output.WriteLineAsync($"No records are held about subject {request.SubjectId}.");
                return;
            }

            var table = new TableWriter("CATEGORY", "PURPOSE", "LEGAL BASIS", "FIELDS", "UPDATED AT");
            foreach (var summary in response.Categories.OrderBy(c => c.Category, StringComparer.Ordinal))
            {
                table.AddRow(
                    summary.Category,
                    summary.Purpose,
                    LegalBasisNames.Format(summary.LegalBasis),
                    summary.FieldCount.ToString(CultureInfo.InvariantCulture),
                    FormatTime(summary.UpdatedAt));
            }

            table.WriteTo(output);
        }));
        return command;
    }

    internal static Option<string> TenantOption() =>
        new("--tenant") { Description = "The tenant the subject belongs to.", Required = true };

    internal static Option<string> SubjectOption() =>
        new("--subject") { Description = "The subject's pseudonym, chosen by the tenant's app.", Required = true };

    /// <summary>The purpose of a read: required of a client application, a grant's own purpose counts otherwise.</summary>
    internal static Option<string> PurposeOption() =>
        new("--purpose") { Description = "What the read is for, a purpose identifier, e.g. billing or legal-claims (required of a client application; a grant's own purpose counts otherwise)." };

    internal static Option<string> CategoryOption() =>
        new("--category") { Description = "The category of personal data, e.g. contact or billing.", Required = true };

    internal static Dictionary<string, string> ParseFields(ArgumentResult result)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var token in result.Tokens)
        {
            var separator = token.Value.IndexOf('=');
            if (separator <= 0)
            {
                result.AddError($"--field '{token.Value}' is not name=value.");
                continue;
            }

            var name = token.Value[..separator];
            if (!fields.TryAdd(name, token.Value[(separator + 1)..]))
            {
                result.AddError($"--field '{name}' is given more than once.");
            }
        }

        return fields;
    }

    internal static string Erased(string subject, Erasure erasure) =>
        $"Subject {subject} was erased at {Formats.Time(erasure.ErasedAt)}" + (erasure.ReceiptId.Length > 0 ? $" (receipt {erasure.ReceiptId})." : ".");

    private static string FormatTime(Timestamp? timestamp) => Formats.Time(timestamp);
}
