using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Custodian.Exports;

namespace Custodian.Incidents;

/// <summary>
/// The breach register as a supervisory authority can take it: JSON (an array of rows) or CSV (RFC 4180, a
/// header row, formulas neutralised). Both come from <see cref="IncidentRegisterRow"/>: the CSV's columns are
/// the JSON's property names, in the same order.
/// </summary>
public static class IncidentRegisterExport
{
    private static readonly IList<JsonPropertyInfo> Properties =
        RegisterJson.Default.IncidentRegisterRow.Properties;

    /// <summary>The CSV's header: the row's JSON names.</summary>
    public static IReadOnlyList<string> Columns { get; } = [.. Properties.Select(p => p.Name)];

    /// <summary>The rows as a JSON array of objects named like the CSV columns.</summary>
    public static string ToJson(IEnumerable<IncidentSummary> rows) =>
        JsonSerializer.Serialize([.. rows.Select(IncidentRegisterRow.Of)], RegisterJson.Default.ImmutableArrayIncidentRegisterRow);

    /// <summary>The rows as CSV with a header row (see <see cref="Csv"/>: RFC 4180, formulas neutralised); lists joined with ';'.</summary>
    public static string ToCsv(IEnumerable<IncidentSummary> rows) =>
        Csv.Write(Columns, rows.Select(IncidentRegisterRow.Of).Select(row => (IReadOnlyList<string>)[.. Properties.Select(p => (string)p.Get!(row)!)]));
}

/// <summary>One row of the breach register as exported: every value as text, lists joined with ';', times in ISO 8601 UTC.</summary>
public sealed record IncidentRegisterRow(
    string TenantId, string IncidentId, string Status, string AwareAt, string DeadlineAt, string Nature,
    string SubjectCategories, string ApproximateSubjects, string RecordCategories, string ApproximateRecords,
    string AffectedTenants, string LikelyConsequences, string Measures, string Risk, string Overdue,
    string AuthorityNotifiedAt, string Notices, string DelayReasons, string ClosedAt)
{
    /// <summary>The row of <paramref name="r"/>.</summary>
    public static IncidentRegisterRow Of(IncidentSummary r) => new(
        r.TenantId, r.IncidentId, r.Status.ToString().ToLowerInvariant(), Time(r.AwareAt), Time(r.DeadlineAt), r.Nature,
        string.Join(';', r.SubjectCategories), Number(r.ApproximateSubjects), string.Join(';', r.RecordCategories), Number(r.ApproximateRecords),
        string.Join(';', r.AffectedTenants), r.LikelyConsequences ?? "", r.Measures ?? "", r.Risk.ToString().ToLowerInvariant(),
        r.Overdue ? "true" : "false", Time(r.AuthorityNotifiedAt), r.Notices.ToString(CultureInfo.InvariantCulture), r.DelayReasons ?? "", Time(r.ClosedAt));

    private static string Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) ?? "";

    private static string Number(long? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "";
}
