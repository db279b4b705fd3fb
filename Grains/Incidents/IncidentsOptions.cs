using System.ComponentModel.DataAnnotations;

namespace Custodian.Incidents;

/// <summary>
/// Breach incidents: when the deadline escalates and to whom, where each tenant's notices go, and where a
/// subject's e-mail address is read from for an Art. 34 notice. Section <c>Incidents</c>.
/// </summary>
public sealed class IncidentsOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Incidents";

    /// <summary>The service key of the <see cref="TimeProvider"/> incident deadlines run on (tests put a fake one there).</summary>
    public const string ClockKey = "incidents";

    /// <summary>The default escalation points: 24, 48, 60 and 70 hours after awareness.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultEscalateAfter =
        [TimeSpan.FromHours(24), TimeSpan.FromHours(48), TimeSpan.FromHours(60), TimeSpan.FromHours(70)];

    /// <summary>How long after awareness an escalation reminder goes to the officer and the DPO; each point once. Unset means 24, 48, 60, 70 hours.</summary>
    public TimeSpan[]? EscalateAfter { get; set; }

    /// <summary>The Security &amp; Privacy Officer's e-mail address for escalations; none means escalations are recorded and audited only.</summary>
    [EmailAddress]
    public string? OfficerEmail { get; set; }

    /// <summary>The DPO's e-mail address for escalations.</summary>
    [EmailAddress]
    public string? DpoEmail { get; set; }

    /// <summary>Per tenant id: the supervisory authority's and the customer's contact addresses.</summary>
    public Dictionary<string, TenantContacts> Tenants { get; set; } = [];

    /// <summary>The record category of a subject that holds the e-mail address for an Art. 34 notice.</summary>
    public string ContactCategory { get; set; } = "contact";

    /// <summary>The field of <see cref="ContactCategory"/> that holds the address.</summary>
    public string ContactField { get; set; } = "email";

    /// <summary>The escalation points in effect, earliest first, without duplicates.</summary>
    public IReadOnlyList<TimeSpan> EscalationPoints => [.. (EscalateAfter ?? [.. DefaultEscalateAfter]).Distinct().Order()];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EscalateAfter is { } points && points.Any(p => p <= TimeSpan.Zero || p >= Incident.NoticeDeadline))
        {
            yield return new ValidationResult("Every escalation point is a positive time after awareness, before the 72-hour deadline.", [nameof(EscalateAfter)]);
        }

        foreach (var (tenant, contacts) in Tenants)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(contacts, new ValidationContext(contacts), results, validateAllProperties: true))
            {
                yield return new ValidationResult($"Tenant {tenant}: {string.Join("; ", results.Select(r => r.ErrorMessage))}", [nameof(Tenants)]);
            }
        }
    }
}
