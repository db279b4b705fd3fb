using System.Text.Json;
using Custodian.Subjects;

namespace Custodian.Gateway.Services;

/// <summary>
/// The JSON document of an Art. 15 access or Art. 20 portability export. Access: every record with the
/// Art. 15(1) information (purposes, categories, recipients, retention, rights, complaint, source,
/// automated decision-making) and the subject's access log. Portability: the records the subject
/// provided, in the same structure, nothing else. An erased subject: the tombstone alone.
/// </summary>
internal static class SubjectExportDocument
{
    /// <summary>The document's format identifier, its first property.</summary>
    public const string Format = "custodian.subject-export.v1";

    public static byte[] Write(SubjectRef subject, SubjectExport export, bool portability, IReadOnlyList<SubjectAccessLog.Entry> accessLog, DateTimeOffset generatedAt)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("kind", portability ? "portability (GDPR Art. 20)" : "access (GDPR Art. 15)");
            json.WriteString("generatedAt", generatedAt);
            json.WriteString("tenantId", subject.TenantId);
            json.WriteString("subjectId", subject.SubjectId);
            if (export.Erasure is { } erasure)
            {
                json.WriteStartObject("erasure");
                json.WriteString("erasedAt", erasure.ErasedAt);
                json.WriteString("receiptId", erasure.ReceiptId);
                json.WriteString("meaning", "The subject was erased: every stored copy of its data was crypto-shredded and nothing else is held.");
                json.WriteEndObject();
                json.WriteEndObject();
            }
            else
            {
                WriteRecords(json, export);
                if (!portability)
                {
                    WriteInformation(json, export);
                    WriteRightsState(json, export);
                    WriteAccessLog(json, accessLog);
                }

                json.WriteEndObject();
            }
        }

        return buffer.ToArray();
    }

    private static void WriteRecords(Utf8JsonWriter json, SubjectExport export)
    {
        json.WriteStartArray("records");
        foreach (var stored in export.Records)
        {
            var record = stored.Record;
            json.WriteStartObject();
            json.WriteString("category", record.Category);
            json.WriteString("purpose", record.Purpose);
            json.WriteString("legalBasis", LegalBasisText(record.LegalBasis));
            json.WriteString("source", record.ProvidedBySubject ? "provided by the subject" : record.Source);
            json.WriteString("retention", record.Retention is { Length: > 0 } r ? r : "not stated");
            json.WriteString("updatedAt", stored.UpdatedAt);
            json.WriteStartObject("fields");
            foreach (var (name, value) in record.Fields)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>Art. 15(1)(a)–(h), from what is held.</summary>
    private static void WriteInformation(Utf8JsonWriter json, SubjectExport export)
    {
        json.WriteStartObject("information");
        json.WriteStartArray("purposes");
        foreach (var record in export.Records.Select(r => r.Record))
        {
            json.WriteStartObject();
            json.WriteString("category", record.Category);
            json.WriteString("purpose", record.Purpose);
            json.WriteString("legalBasis", LegalBasisText(record.LegalBasis));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("categories");
        foreach (var record in export.Records)
        {
            json.WriteStringValue(record.Record.Category);
        }

        json.WriteEndArray();
        json.WriteStartArray("recipients");
        foreach (var (category, recipients) in export.Recipients)
        {
            foreach (var recipient in recipients)
            {
                json.WriteStartObject();
                json.WriteString("category", category);
                json.WriteString("name", recipient.Name);
                json.WriteString("country", recipient.ThirdCountry is { Length: > 0 } country ? $"{country} (outside the EU/EEA)" : "EU/EEA");
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
        json.WriteStartArray("retention");
        foreach (var record in export.Records.Select(r => r.Record))
        {
            json.WriteStartObject();
            json.WriteString("category", record.Category);
            json.WriteString("retention", record.Retention is { Length: > 0 } r ? r : "not stated");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("sources");
        foreach (var record in export.Records.Select(r => r.Record))
        {
            json.WriteStartObject();
            json.WriteString("category", record.Category);
            json.WriteString("source", record.ProvidedBySubject ? "provided by the subject" : record.Source);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("rights", "You may ask for rectification (Art. 16) or erasure (Art. 17) of your personal data, for restriction of its processing (Art. 18), and object to its processing (Art. 21); and receive the data you provided in a machine-readable form (Art. 20).");
        json.WriteString("complaint", "You may lodge a complaint with a supervisory authority (Art. 77), in particular in the Member State of your habitual residence, place of work or place of the alleged infringement.");
        json.WriteString("automatedDecisionMaking", "none: no decision based solely on automated processing, including profiling (Art. 22), is made with this data.");
        json.WriteEndObject();
    }

    private static void WriteRightsState(Utf8JsonWriter json, SubjectExport export)
    {
        if (export.Restriction is { } restriction)
        {
            json.WriteStartObject("restriction");
            json.WriteString("ground", restriction.Ground.ToString());
            json.WriteString("since", restriction.Since);
            json.WriteEndObject();
        }

        json.WriteStartArray("objections");
        foreach (var objection in export.Objections)
        {
            json.WriteStartObject();
            json.WriteString("purpose", objection.Purpose);
            json.WriteString("at", objection.At);
            json.WriteBoolean("directMarketing", objection.DirectMarketing);
            json.WriteBoolean("processingStopped", objection.StopsProcessing);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (export.Hold is { } hold)
        {
            json.WriteStartObject("legalHold");
            json.WriteString("ground", hold.Ground.ToString());
            json.WriteString("since", hold.Since);
            json.WriteEndObject();
        }
    }

    private static void WriteAccessLog(Utf8JsonWriter json, IReadOnlyList<SubjectAccessLog.Entry> accessLog)
    {
        json.WriteStartArray("accessLog");
        foreach (var entry in accessLog)
        {
            json.WriteStartObject();
            json.WriteString("at", entry.At);
            json.WriteString("actor", entry.Actor);
            json.WriteString("action", entry.Action);
            json.WriteString("outcome", entry.Outcome);
            json.WriteString("allowedBy", entry.AllowedBy);
            json.WriteString("purpose", entry.Purpose);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static string LegalBasisText(LegalBasis basis) => basis switch
    {
        LegalBasis.Consent => "Art. 6(1)(a) consent",
        LegalBasis.Contract => "Art. 6(1)(b) contract",
        LegalBasis.LegalObligation => "Art. 6(1)(c) legal obligation",
        LegalBasis.VitalInterests => "Art. 6(1)(d) vital interests",
        LegalBasis.PublicTask => "Art. 6(1)(e) public task",
        LegalBasis.LegitimateInterests => "Art. 6(1)(f) legitimate interests",
        _ => "not given",
    };
}
