using System.Globalization;
using System.Text;
using System.Text.Json;
using Custodian.Exports;

namespace Custodian.Incidents;

/// <summary>The breach register as a supervisory authority can take it: JSON (an array of rows) or CSV (RFC 4180, a header row, formulas neutralised).</summary>
public static class IncidentRegisterExport
{
    private static readonly string[] Columns =
    [
        "tenant_id", "incident_id", "status", "aware_at", "deadline_at", "nature", "subject_categories", "approximate_subjects",
        "record_categories", "approximate_records", "affected_tenants", "likely_consequences", "measures", "risk", "overdue",
        "authority_notified_at", "notices", "delay_reasons", "closed_at",
    ];

    /// <summary>The rows as a JSON array of objects named like the CSV columns.</summary>
    public static string ToJson(IEnumerable<IncidentSummary> rows)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartObject();
                var values = Values(row);
                for (var i = 0; i < Columns.Length; i++)
                {
                    json.WriteString(Columns[i], values[i]);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The rows as CSV with a header row (see <see cref="Csv"/>: RFC 4180, formulas neutralised); lists joined with ';'.</summary>
    public static string ToCsv(IEnumerable<IncidentSummary> rows) => Csv.Write(Columns, rows.Select(Values));

    private static string[] Values(IncidentSummary r) =>
    [
        r.TenantId, r.IncidentId, r.Status.ToString().ToLowerInvariant(), Time(r.AwareAt), Time(r.DeadlineAt), r.Nature,
        string.Join(';', r.SubjectCategories), Number(r.ApproximateSubjects), string.Join(';', r.RecordCategories), Number(r.ApproximateRecords),
        string.Join(';', r.AffectedTenants), r.LikelyConsequences ?? "", r.Measures ?? "", r.Risk.ToString().ToLowerInvariant(),
        r.Overdue ? "true" : "false", Time(r.AuthorityNotifiedAt), r.Notices.ToString(CultureInfo.InvariantCulture), r.DelayReasons ?? "", Time(r.ClosedAt),
    ];

    private static string Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) ?? "";

    private static string Number(long? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "";
}
