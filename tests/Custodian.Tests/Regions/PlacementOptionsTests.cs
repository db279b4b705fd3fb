using System.ComponentModel.DataAnnotations;
using Custodian.Hosting;

namespace Custodian.Tests.Regions;

/// <summary>Placement configuration that would put data outside one residency zone, or that cannot work, is refused with the key to fix.</summary>
public sealed class PlacementOptionsTests
{
    [Fact]
    public void TheTestPlacementIsValidAndPlacesTenants()
    {
        var options = Valid();

        Assert.Empty(Errors(options));
        Assert.Equal(["us-east", "us-west"], options.HomeOf("globex")!.Value.Pair);
        Assert.Equal("us-east", options.HomeOf("globex")!.Value.Writer);
        Assert.Null(new PlacementOptions { Regions = options.Regions }.HomeOf("anyone")); // no default home: refused
        Assert.Equal("eu-west", options.HomeOf("anyone")!.Value.Writer);
        Assert.Equal("eu-north+eu-west", PlacementOptions.PairName("eu-west", "eu-north"));
    }

    [Theory]
    [InlineData("Tenants:acme:Home", "eu-west,us-east", "Tenants:acme:Home", "crosses residency zones")]
    [InlineData("Tenants:acme:Home", "eu-west", "Tenants:acme:Home", "two regions")]
    [InlineData("Tenants:acme:Home", "eu-west,ap-south", "Tenants:acme:Home", "not a declared region")]
    [InlineData("Tenants:acme:Writer", "us-east", "Tenants:acme:Writer", "not a region of the home")]
    [InlineData("Regions:eu-west:Pair", "eu-west", "Regions:eu-west:Pair", "its own pair")]
    [InlineData("Regions:eu-west:Pair", "us-west", "Regions:eu-west:Pair", "pairs are mutual")]
    [InlineData("Regions:eu-west:Zone", "", "Regions:eu-west:Zone", "residency zone")]
    [InlineData("DefaultHome", "eu-west,us-west", "DefaultHome", "crosses residency zones")]
    public void ABadPlacementIsRefusedNamingTheKey(string key, string value, string named, string message)
    {
        var options = Valid();
        var parts = key.Split(':');
        switch (parts[0])
        {
            case "Tenants":
                options.Tenants.TryAdd(parts[1], new TenantPlacement { Home = "eu-west,eu-north" });
                if (parts[2] == "Home")
                {
                    options.Tenants[parts[1]].Home = value;
                }
                else
                {
                    options.Tenants[parts[1]].Writer = value;
                }

                break;
            case "Regions" when parts[2] == "Pair":
                options.Regions[parts[1]].Pair = value;
                break;
            case "Regions":
                options.Regions[parts[1]].Zone = value;
                break;
            default:
                options.DefaultHome = value;
                break;
        }

        var errors = Errors(options);

        Assert.Contains(errors, e => e.MemberNames.Contains(named) && e.ErrorMessage!.Contains(message, StringComparison.Ordinal));
    }

    private static PlacementOptions Valid()
    {
        var options = new PlacementOptions { DefaultHome = "eu-west,eu-north" };
        foreach (var (region, zone, pair) in new[] { ("eu-west", "eu", "eu-north"), ("eu-north", "eu", "eu-west"), ("us-east", "us", "us-west"), ("us-west", "us", "us-east") })
        {
            options.Regions[region] = new RegionPlacement { Zone = zone, Pair = pair };
        }

        options.Tenants["globex"] = new TenantPlacement { Home = "us-east,us-west", Writer = "us-east" };
        return options;
    }

    private static List<ValidationResult> Errors(PlacementOptions options) => [.. options.Validate(new ValidationContext(options))];
}
