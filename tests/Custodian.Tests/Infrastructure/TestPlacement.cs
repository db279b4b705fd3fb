namespace Custodian.Tests.Infrastructure;

/// <summary>
/// The placement every test platform runs with: zone <c>eu</c> (eu-west ↔ eu-north) and zone <c>us</c>
/// (us-east ↔ us-west); tenant <c>globex</c> lives in us-east + us-west, tenants not listed in eu-west +
/// eu-north, written in eu-west. Leases and
/// probes are quick so degraded-mode tests take seconds.
/// </summary>
public static class TestPlacement
{
    /// <summary>The placement settings, with the pair's and the witness's accounts and the pair region's key file.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings(string pairStorage, string witness, string pairKeyFile) =>
    [
        .. Placement(),
        new("ConnectionStrings:PairStorage", pairStorage),
        new("ConnectionStrings:Witness", witness),
        new("SecureStorage:PairKeyFile", pairKeyFile),
    ];

    /// <summary>The <c>Placement</c> section alone, as silos and gateways alike read it.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Placement() =>
    [
        new("Placement:Regions:eu-west:Zone", "eu"),
        new("Placement:Regions:eu-west:Pair", "eu-north"),
        new("Placement:Regions:eu-north:Zone", "eu"),
        new("Placement:Regions:eu-north:Pair", "eu-west"),
        new("Placement:Regions:us-east:Zone", "us"),
        new("Placement:Regions:us-east:Pair", "us-west"),
        new("Placement:Regions:us-west:Zone", "us"),
        new("Placement:Regions:us-west:Pair", "us-east"),
        new("Placement:Tenants:globex:Home", "us-east,us-west"),
        new("Placement:Tenants:globex:Writer", "us-east"),
        new("Placement:DefaultHome", "eu-west,eu-north"),
        new("Placement:DefaultWriter", "eu-west"),
        new("Placement:LeaseDuration", "00:00:10"),
        new("Placement:RenewInterval", "00:00:01"),
        new("Placement:ClockSkewMargin", "00:00:02"),
        new("Placement:PairTimeout", "00:00:02"),
        new("Placement:ProbeInterval", "00:00:01"),
    ];

    /// <summary>A tenant of its own, homed in eu-west + eu-north and written first in <paramref name="writer"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> EuTenant(string tenant, string writer) =>
    [
        new($"Placement:Tenants:{tenant}:Home", "eu-west,eu-north"),
        new($"Placement:Tenants:{tenant}:Writer", writer),
    ];
}
