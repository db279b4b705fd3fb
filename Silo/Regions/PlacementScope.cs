using Custodian.Incidents;

namespace Custodian.Silo.Regions;

/// <summary>
/// Whose data a grain's state is, which decides where it may be written: a tenant's grains follow the
/// tenant's placement (its writer region and pair); the provider's own grains (principals, grants, the
/// registers that span tenants) are the tenant <see cref="Incident.ProviderTenant"/>; a region's own grains
/// (its backups, key rotation, audit partitions, security alerts) belong to the region named in their key.
/// </summary>
public readonly record struct PlacementScope(bool IsRegion, string Name)
{
    // Grain types whose key starts with the tenant id ("tenant/…"), or is the tenant id.
    private static readonly HashSet<string> TenantTypes = ["datasubject", "subjectrequest", "incident", "requestregister", "subjectexport"];

    // Grain types of the provider, whatever their key.
    private static readonly HashSet<string> ProviderTypes = ["principal", "accessgrant", "grantlog", "accessreview", "incidentregister"];

    // Grain types whose key starts with a region ("region" or "region/…").
    private static readonly HashSet<string> RegionTypes = ["backup", "keymanagement", "securityalerts", "principalactivity", "auditpartition"];

    /// <summary>The grain types this placement knows by name (each <c>secure</c> grain of Custodian must be one).</summary>
    public static IEnumerable<string> KnownTypes => TenantTypes.Concat(ProviderTypes).Concat(RegionTypes).Append("mailoutbox");

    /// <summary>The scope of <paramref name="grainId"/>; grains of other types belong to <paramref name="region"/>.</summary>
    public static PlacementScope Of(GrainId grainId, string region)
    {
        var type = grainId.Type.ToString() ?? "";
        var key = grainId.Key.ToString() ?? "";
        if (TenantTypes.Contains(type))
        {
            return Tenant(FirstSegment(key));
        }

        if (type == "mailoutbox")
        {
            // "incident:{tenant}/{id}" or "subject:{tenant}/{subject}"
            var colon = key.IndexOf(':', StringComparison.Ordinal);
            return Tenant(FirstSegment(colon < 0 ? key : key[(colon + 1)..]));
        }

        if (ProviderTypes.Contains(type))
        {
            return Tenant(Incident.ProviderTenant);
        }

        return RegionTypes.Contains(type) ? Region(FirstSegment(key)) : Region(region);
    }

    /// <summary>A tenant's scope.</summary>
    public static PlacementScope Tenant(string tenant) => new(false, tenant);

    /// <summary>A region's own scope.</summary>
    public static PlacementScope Region(string region) => new(true, region);

    /// <summary>The backlog partition of this scope: <c>t:acme</c> or <c>r:eu-west</c>.</summary>
    public string Key => (IsRegion ? "r:" : "t:") + Name;

    /// <summary>The scope named by a backlog partition.</summary>
    public static PlacementScope FromKey(string key) => key.StartsWith("r:", StringComparison.Ordinal) ? Region(key[2..]) : Tenant(key[2..]);

    public override string ToString() => IsRegion ? $"region {Name}" : $"tenant {Name}";

    private static string FirstSegment(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? key : key[..slash];
    }
}
