using System.ComponentModel.DataAnnotations;

namespace Custodian.Hosting;

/// <summary>
/// Where every tenant's data may live: the regions, each region's pair and residency zone, and each
/// tenant's home pair and writer region. Bound from <c>Placement</c>:
/// <code>
/// Placement:Regions:eu-west:Zone = eu        Placement:Regions:eu-west:Pair = eu-north
/// Placement:Regions:eu-north:Zone = eu       Placement:Regions:eu-north:Pair = eu-west
/// Placement:Tenants:acme:Home = eu-west,eu-north     Placement:Tenants:acme:Writer = eu-west
/// Placement:DefaultHome = eu-west,eu-north   (tenants not listed; unset: they are refused)
/// </code>
/// The configured writer is where a tenant starts; from then on the witness holds who writes.
/// Anything that would put a tenant's data outside one residency zone stops the host at start.
/// </summary>
public sealed class PlacementOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Placement";

    /// <summary>Every region, by name.</summary>
    public Dictionary<string, RegionPlacement> Regions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tenants with a placement of their own, by tenant id.</summary>
    public Dictionary<string, TenantPlacement> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The home pair (<c>region,region</c>) of tenants not listed; empty refuses them.</summary>
    public string DefaultHome { get; set; } = "";

    /// <summary>The writer region of tenants not listed; empty means the first region of <see cref="DefaultHome"/>.</summary>
    public string DefaultWriter { get; set; } = "";

    /// <summary>How long a region's lease at the witness lasts after each renewal.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a region renews its lease (and refreshes the placements it caches).</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:05:00")]
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long before its lease ends a region stops writing: the clocks of two regions may differ by
    /// this much, and the pair only takes over once the lease plus this margin has passed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ClockSkewMargin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one storage call to the pair region may take before the pair counts as unreachable.</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:01:00")]
    public TimeSpan PairTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A replication backlog older than this raises a security alert.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan BacklogAlertAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Whether a region takes its pair's tenants over by itself once the pair stopped renewing its lease
    /// (true), or leaves that to an officer's promotion (false).
    /// </summary>
    public bool AutomaticFailover { get; set; } = true;

    /// <summary>How often a region probes its pair's lease at the witness (and looks for moved tenants).</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:05:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Probes in a row that must find the pair's lease expired (past its end plus <see cref="ClockSkewMargin"/>)
    /// before the region takes the pair's tenants over.
    /// </summary>
    [Range(1, 100)]
    public int FailoverProbes { get; set; } = 3;

    /// <summary>The least time between two automatic failovers of one tenant: a second one within it waits for an officer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan FailoverCooldown { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The regions of a tenant's home pair and its configured writer, or null when it has no placement.</summary>
    public (string[] Pair, string Writer)? HomeOf(string tenant)
    {
        if (Tenants.TryGetValue(tenant, out var placed))
        {
            var pair = Regions2(placed.Home);
            return (pair, placed.Writer is { Length: > 0 } w ? w : pair[0]);
        }

        if (DefaultHome.Length == 0)
        {
            return null;
        }

        var home = Regions2(DefaultHome);
        return (home, DefaultWriter is { Length: > 0 } writer ? writer : home[0]);
    }

    /// <summary>The pair of <paramref name="region"/>, or null when the region is not declared.</summary>
    public string? PairOf(string region) => Regions.TryGetValue(region, out var r) ? r.Pair : null;

    /// <summary>The zone of <paramref name="region"/>, or null when the region is not declared.</summary>
    public string? ZoneOf(string region) => Regions.TryGetValue(region, out var r) ? r.Zone : null;

    /// <summary>A pair's stable name: its two regions in order, e.g. <c>eu-north+eu-west</c>.</summary>
    public static string PairName(string a, string b) => string.CompareOrdinal(a, b) < 0 ? $"{a}+{b}" : $"{b}+{a}";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Regions.Count == 0)
        {
            yield return new("no regions are declared: set Placement:Regions:<region>:Zone and :Pair for every region.", [nameof(Regions)]);
        }

        foreach (var (name, region) in Regions)
        {
            var key = $"{nameof(Regions)}:{name}";
            if (!RegionName(name))
            {
                yield return new($"'{name}' is not a region name (lower-case letters, digits and '-', e.g. eu-west).", [key]);
            }

            if (string.IsNullOrWhiteSpace(region.Zone))
            {
                yield return new("every region names its residency zone (e.g. eu).", [key + ":Zone"]);
            }

            if (region.Pair == name)
            {
                yield return new("a region cannot be its own pair.", [key + ":Pair"]);
            }
            else if (!Regions.TryGetValue(region.Pair ?? "", out var pair))
            {
                yield return new($"the pair '{region.Pair}' is not a declared region.", [key + ":Pair"]);
            }
            else if (pair.Pair != name)
            {
                yield return new($"'{region.Pair}' is paired with '{pair.Pair}', not with '{name}': pairs are mutual.", [key + ":Pair"]);
            }
            else if (pair.Zone != region.Zone)
            {
                yield return new($"'{name}' (zone {region.Zone}) and its pair '{region.Pair}' (zone {pair.Zone}) are in different residency zones.", [key + ":Pair"]);
            }
        }

        foreach (var (tenant, placed) in Tenants)
        {
            foreach (var error in CheckHome($"{nameof(Tenants)}:{tenant}", placed.Home, placed.Writer))
            {
                yield return error;
            }
        }

        if (DefaultHome.Length > 0 || DefaultWriter.Length > 0)
        {
            foreach (var error in CheckHome("", DefaultHome, DefaultWriter, nameof(DefaultHome), nameof(DefaultWriter)))
            {
                yield return error;
            }
        }
    }

    private IEnumerable<ValidationResult> CheckHome(string prefix, string home, string writer, string homeKey = "Home", string writerKey = "Writer")
    {
        string Key(string name) => prefix.Length == 0 ? name : $"{prefix}:{name}";
        var pair = Regions2(home);
        if (pair.Length != 2)
        {
            yield return new("a home is two regions, e.g. eu-west,eu-north.", [Key(homeKey)]);
            yield break;
        }

        var unknown = pair.Where(r => !Regions.ContainsKey(r)).ToList();
        if (unknown.Count > 0)
        {
            yield return new($"'{string.Join("', '", unknown)}' is not a declared region.", [Key(homeKey)]);
            yield break;
        }

        if (ZoneOf(pair[0]) != ZoneOf(pair[1]))
        {
            yield return new($"the home {pair[0]} (zone {ZoneOf(pair[0])}) + {pair[1]} (zone {ZoneOf(pair[1])}) crosses residency zones: a tenant's data stays in one zone.", [Key(homeKey)]);
        }
        else if (PairOf(pair[0]) != pair[1])
        {
            yield return new($"{pair[0]} and {pair[1]} are not a pair ({pair[0]}'s pair is {PairOf(pair[0])}).", [Key(homeKey)]);
        }

        if (writer.Length > 0 && !pair.Contains(writer, StringComparer.Ordinal))
        {
            yield return new($"the writer '{writer}' is not a region of the home {home}.", [Key(writerKey)]);
        }
    }

    private static string[] Regions2(string home) =>
        home.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static bool RegionName(string name) =>
        name.Length is >= 2 and <= 31 && name[0] is >= 'a' and <= 'z' && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}

/// <summary>One region: its residency zone and its pair.</summary>
public sealed class RegionPlacement
{
    /// <summary>The residency zone, e.g. <c>eu</c>; a tenant's data never leaves it.</summary>
    public string Zone { get; set; } = "";

    /// <summary>The region every write of this region is replicated to (and that replicates to it).</summary>
    public string Pair { get; set; } = "";
}

/// <summary>One tenant's home: the two regions of its pair and where it starts writing.</summary>
public sealed class TenantPlacement
{
    /// <summary>The two regions, e.g. <c>eu-west,eu-north</c>.</summary>
    public string Home { get; set; } = "";

    /// <summary>The region that writes first; empty means the first region of <see cref="Home"/>.</summary>
    public string Writer { get; set; } = "";
}
