using System.Collections.Immutable;
using Custodian.Audit;

namespace Custodian.Subjects;

/// <summary>
/// The document of an Art. 15 access or Art. 20 portability export, as a type: rendered as JSON by
/// <see cref="Exports.ExportJson"/> and read back the same way. Access: every record with the Art. 15(1)
/// information (purposes, categories, recipients, retention, rights, complaint, source, automated
/// decision-making), the subject's restriction, objections and legal hold, and its access log. Portability:
/// the records the subject provided, in the same structure, nothing else. An erased subject: the tombstone alone.
/// What is absent (null) is left out of the JSON.
/// </summary>
public sealed record SubjectExportDocument(
    string Format,
    string Kind,
    DateTimeOffset GeneratedAt,
    string TenantId,
    string SubjectId,
    ExportedErasure? Erasure = null,
    ImmutableArray<ExportedRecord>? Records = null,
    ExportInformation? Information = null,
    ExportedRestriction? Restriction = null,
    ImmutableArray<ExportedObjection>? Objections = null,
    ExportedHold? LegalHold = null,
    ImmutableArray<AccessLogEntry>? AccessLog = null)
{
    /// <summary>The document's format identifier, its first property.</summary>
    public const string Version = "custodian.subject-export.v1";

    private const string ProvidedBySubject = "provided by the subject";
    private const string NotStated = "not stated";

    /// <summary>The document of <paramref name="export"/>, with <paramref name="accessLog"/> for an access export.</summary>
    public static SubjectExportDocument From(SubjectRef subject, SubjectExport export, bool portability, ImmutableArray<AccessLogEntry> accessLog, DateTimeOffset generatedAt)
    {
        var document = new SubjectExportDocument(Version, portability ? "portability (GDPR Art. 20)" : "access (GDPR Art. 15)", generatedAt, subject.TenantId, subject.SubjectId);
        if (export.Erasure is { } erasure)
        {
            return document with
            {
                Erasure = new ExportedErasure(erasure.ErasedAt, erasure.ReceiptId,
                    "The subject was erased: every stored copy of its data was crypto-shredded and nothing else is held."),
            };
        }

        var records = export.Records.Select(r => r.Record).ToList();
        document = document with
        {
            Records = [.. export.Records.Select(s => new ExportedRecord(s.Record.Category, s.Record.Purpose, Article(s.Record.LegalBasis), SourceOf(s.Record), RetentionOf(s.Record), s.UpdatedAt, s.Record.Fields))],
        };
        if (portability)
        {
            return document;
        }

        return document with
        {
            Information = new ExportInformation(
                [.. records.Select(r => new PurposeLine(r.Category, r.Purpose, Article(r.LegalBasis)))],
                [.. records.Select(r => r.Category)],
                [.. export.Recipients.SelectMany(c => c.Value.Select(r => new RecipientLine(c.Key, r.Name,
                    r.ThirdCountry is { Length: > 0 } country ? $"{country} (outside the EU/EEA)" : "EU/EEA")))],
                [.. records.Select(r => new RetentionLine(r.Category, RetentionOf(r)))],
                [.. records.Select(r => new SourceLine(r.Category, SourceOf(r)))]),
            Restriction = export.Restriction is { } restriction ? new ExportedRestriction(restriction.Ground.ToString(), restriction.Since) : null,
            Objections = [.. export.Objections.Select(o => new ExportedObjection(o.Purpose, o.At, o.DirectMarketing, o.StopsProcessing))],
            LegalHold = export.Hold is { } hold ? new ExportedHold(hold.Ground.ToString(), hold.Since) : null,
            AccessLog = accessLog.IsDefault ? [] : accessLog,
        };
    }

    /// <summary>The Art. 6(1) point a legal basis is.</summary>
    public static string Article(LegalBasis basis) => basis switch
    {
        LegalBasis.Consent => "Art. 6(1)(a) consent",
        LegalBasis.Contract => "Art. 6(1)(b) contract",
        LegalBasis.LegalObligation => "Art. 6(1)(c) legal obligation",
        LegalBasis.VitalInterests => "Art. 6(1)(d) vital interests",
        LegalBasis.PublicTask => "Art. 6(1)(e) public task",
        LegalBasis.LegitimateInterests => "Art. 6(1)(f) legitimate interests",
        _ => "not given",
    };

    /// <summary>Ids and counts only: the document holds the subject's data.</summary>
    public override string ToString() =>
        $"SubjectExportDocument {{ {TenantId}/{SubjectId}, Records = {Records?.Length ?? 0} redacted, AccessLog = {AccessLog?.Length ?? 0}, Erased = {Erasure is not null} }}";

    private static string SourceOf(PersonalDataRecord record) => record.ProvidedBySubject ? ProvidedBySubject : record.Source!;

    private static string RetentionOf(PersonalDataRecord record) => record.Retention is { Length: > 0 } r ? r : NotStated;
}

/// <summary>That the subject was erased, and the receipt that proves it.</summary>
public sealed record ExportedErasure(DateTimeOffset ErasedAt, string ReceiptId, string Meaning);

/// <summary>One record: its category, why and on what basis it is processed, where it came from, how long it is kept, its fields.</summary>
public sealed record ExportedRecord(
    string Category, string Purpose, string LegalBasis, string Source, string Retention, DateTimeOffset UpdatedAt, ImmutableSortedDictionary<string, string> Fields)
{
    /// <summary>Never shows the values.</summary>
    public override string ToString() => $"ExportedRecord {{ Category = {Category}, Fields = {Fields.Count} redacted }}";
}

/// <summary>The information of Art. 15(1)(a)–(h), from what is held.</summary>
public sealed record ExportInformation(
    ImmutableArray<PurposeLine> Purposes,
    ImmutableArray<string> Categories,
    ImmutableArray<RecipientLine> Recipients,
    ImmutableArray<RetentionLine> Retention,
    ImmutableArray<SourceLine> Sources)
{
    /// <summary>Art. 15(1)(e): the rights the subject has.</summary>
    public string Rights { get; init; } = "You may ask for rectification (Art. 16) or erasure (Art. 17) of your personal data, for restriction of its processing (Art. 18), and object to its processing (Art. 21); and receive the data you provided in a machine-readable form (Art. 20).";

    /// <summary>Art. 15(1)(f): the right to lodge a complaint.</summary>
    public string Complaint { get; init; } = "You may lodge a complaint with a supervisory authority (Art. 77), in particular in the Member State of your habitual residence, place of work or place of the alleged infringement.";

    /// <summary>Art. 15(1)(h): automated decision-making.</summary>
    public string AutomatedDecisionMaking { get; init; } = "none: no decision based solely on automated processing, including profiling (Art. 22), is made with this data.";
}

/// <summary>A category's purpose and legal basis.</summary>
public sealed record PurposeLine(string Category, string Purpose, string LegalBasis);

/// <summary>A recipient of a category's data, and whether it is outside the EU/EEA.</summary>
public sealed record RecipientLine(string Category, string Name, string Country);

/// <summary>How long a category is kept.</summary>
public sealed record RetentionLine(string Category, string Retention);

/// <summary>Where a category's data came from.</summary>
public sealed record SourceLine(string Category, string Source);

/// <summary>That processing is restricted (Art. 18), on what ground and since when.</summary>
public sealed record ExportedRestriction(string Ground, DateTimeOffset Since);

/// <summary>An objection (Art. 21) and whether it stops processing.</summary>
public sealed record ExportedObjection(string Purpose, DateTimeOffset At, bool DirectMarketing, bool ProcessingStopped);

/// <summary>A legal hold (Art. 17(3)), on what ground and since when.</summary>
public sealed record ExportedHold(string Ground, DateTimeOffset Since);
