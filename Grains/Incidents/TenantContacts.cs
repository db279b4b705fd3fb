using System.ComponentModel.DataAnnotations;

namespace Custodian.Incidents;

/// <summary>Where a tenant's breach notices go (<c>Incidents:Tenants:&lt;tenant&gt;</c>).</summary>
public sealed class TenantContacts
{
    /// <summary>The competent supervisory authority's address (Art. 33(1)).</summary>
    [EmailAddress]
    public string? AuthorityEmail { get; set; }

    /// <summary>The customer's (controller's) contact address (Art. 33(2)).</summary>
    [EmailAddress]
    public string? ContactEmail { get; set; }

    /// <summary>The culture of this tenant's notices when a notice names none, e.g. <c>de</c>; <c>en</c> when unset or not available.</summary>
    public string? Culture { get; set; }
}
