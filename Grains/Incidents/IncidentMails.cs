using System.Collections.Immutable;
using System.Globalization;
using Custodian.Mail;
using Microsoft.Extensions.Logging;

namespace Custodian.Incidents;

/// <summary>
/// The e-mails of an incident, rendered from <see cref="NoticeTemplates"/>: a notice to one recipient, and an
/// escalation to the officer and the DPO. Message ids are derived from the incident, so a resend is the same mail.
/// </summary>
public static class IncidentMails
{
    /// <summary>Notice <paramref name="notice"/> to <paramref name="address"/> of <paramref name="tenant"/>, mail <paramref name="index"/> of the notice.</summary>
    public static OutgoingMail Notice(Incident incident, IncidentNotice notice, string tenant, string address, int index, string? culture, string reference)
    {
        var strings = NoticeTemplates.Strings(culture);
        string Known(string? value) => string.IsNullOrWhiteSpace(value) ? strings["unknown"] : value;
        string KnownList(ImmutableArray<string> values) => values.IsDefaultOrEmpty ? strings["unknown"] : string.Join(", ", values);
        string KnownNumber(long? value) => value?.ToString("N0", CultureInfo.GetCultureInfo(culture ?? NoticeTemplates.DefaultCulture)) ?? strings["unknown"];
        var earlier = notice.References
            .Select(n => incident.Notices[n - 1])
            .Select(n => $"  - {n.Number}: {strings["phase_" + n.Phase.ToString().ToLowerInvariant() + "_title"]}, {n.SentAt:yyyy-MM-dd HH:mm} UTC")
            .ToList();
        var values = new Dictionary<string, string>
        {
            ["reference"] = $"{incident.TenantId}/{incident.IncidentId}/{notice.Number}",
            ["tenant"] = tenant,
            ["aware_at"] = $"{incident.AwareAt:yyyy-MM-dd HH:mm} UTC",
            ["phase_title"] = strings[notice.Phase == NoticePhase.First ? "phase_first_title" : "phase_final_title"],
            ["phase_text"] = strings[notice.Phase == NoticePhase.First ? "phase_first" : "phase_final"],
            ["references"] = earlier.Count == 0 ? "" : strings["references"] + "\n" + string.Join("\n", earlier) + "\n",
            ["delay"] = notice.DelayReasons is { } reasons ? "\n" + strings["delay"] + "\n" + reasons + "\n" : "",
            ["nature"] = Known(incident.Nature),
            ["subject_categories"] = KnownList(incident.SubjectCategories),
            ["approximate_subjects"] = KnownNumber(incident.ApproximateSubjects),
            ["record_categories"] = KnownList(incident.RecordCategories),
            ["approximate_records"] = KnownNumber(incident.ApproximateRecords),
            ["contact_point"] = Known(incident.ContactPoint),
            ["consequences"] = Known(incident.LikelyConsequences),
            ["measures"] = Known(incident.Measures),
            ["missing"] = notice.MissingParts.IsEmpty ? "" : "\n" + strings["missing"] + " " + string.Join(", ", notice.MissingParts) + "\n",
        };
        var (subject, body) = NoticeTemplates.Render(notice.Audience.ToString().ToLowerInvariant(), culture, values);
        return new OutgoingMail(IncidentLifecycle.NoticeMessageId(incident, notice.Number, notice.Audience, index), [address], subject, body, reference);
    }

    /// <summary>The escalation at <paramref name="point"/> to the configured officer and DPO; null (and logged) when neither address is configured.</summary>
    public static OutgoingMail? Escalation(Incident incident, TimeSpan point, IncidentsOptions options, ILogger logger, string reference)
    {
        ImmutableArray<string> to = [.. new[] { options.OfficerEmail, options.DpoEmail }.Where(a => !string.IsNullOrEmpty(a)).Distinct().Select(a => a!)];
        if (to.IsEmpty)
        {
            IncidentLog.NoEscalationRecipients(logger, incident.TenantId, incident.IncidentId, point);
            return null;
        }

        var values = new Dictionary<string, string>
        {
            ["incident"] = incident.IncidentId,
            ["tenant"] = incident.TenantId,
            ["aware_at"] = $"{incident.AwareAt:yyyy-MM-dd HH:mm} UTC",
            ["deadline"] = $"{incident.DeadlineAt:yyyy-MM-dd HH:mm} UTC",
            ["elapsed"] = Hours(point),
            ["remaining"] = Hours(Incident.NoticeDeadline - point),
        };
        var (subject, body) = NoticeTemplates.Render("escalation", null, values);
        return new OutgoingMail(IncidentLifecycle.EscalationMessageId(incident, point), to, subject, body, reference);
    }

    private static string Hours(TimeSpan span) =>
        span.TotalMinutes % 60 == 0 ? $"{(long)span.TotalHours} h" : $"{(long)span.TotalHours} h {span.Minutes:00} min {span.Seconds:00} s";
}
