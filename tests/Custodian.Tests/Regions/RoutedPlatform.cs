using Custodian.Audit;
using Custodian.Gateway.Routing;
using Custodian.Hosting;
using Custodian.Silo;
using Custodian.Silo.Regions;
using Custodian.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Custodian.Tests.Regions;

/// <summary>
/// Two regions, each its own cluster: the platform's eu-west silo and an in-process silo of eu-north (on the pair's
/// account, replicating to eu-west's), and a gateway of eu-west that forwards to eu-north
/// (<c>ConnectionStrings:Storage-eu-north</c>). Tenants <see cref="North"/> and <see cref="Moving"/> are configured to
/// be written in eu-north, in both silos and the gateway; every other tenant in eu-west. The gateway re-reads the
/// witness only every five minutes, so that a tenant moved at the witness reaches it through its writer's refusal.
/// </summary>
public sealed class RoutedPlatform : Platform
{
    private Dictionary<string, string?>? _northSettings;
    private WebApplication? _north;

    /// <summary>A tenant written in eu-north.</summary>
    public string North { get; } = NewId("north");

    /// <summary>A tenant written in eu-north that a test moves to eu-west at the witness.</summary>
    public string Moving { get; } = NewId("moving");

    /// <summary>The grain factory of eu-north's silo.</summary>
    public IGrainFactory NorthGrains => (_north ?? throw new InvalidOperationException("eu-north's silo is not running.")).Services.GetRequiredService<IGrainFactory>();

    /// <summary>eu-north's region fence (what its silo believes about placements).</summary>
    public RegionFence NorthFence => (_north ?? throw new InvalidOperationException("eu-north's silo is not running.")).Services.GetRequiredService<RegionFence>();

    /// <summary>eu-north's audit trail, as its silo reads it.</summary>
    public AuditReader NorthTrail => new(NorthGrains, PairRegion, 4);

    /// <summary>The gateway's router.</summary>
    public RegionRouter Router => GatewayServices.GetRequiredService<RegionRouter>();

    /// <summary>The witness's placement table, as silos change it (by compare-and-swap).</summary>
    public WitnessTable Witness => new(WitnessAzurite.Tables.GetTableClient(WitnessTable.TableName));

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var clients = GatewayServices.GetRequiredService<RegionClients>();
        await Poll.UntilAsync(() => Task.FromResult(clients.IsConnected(PairRegion) ? true : throw new InvalidOperationException("eu-north not connected yet")), TimeSpan.FromSeconds(60));
    }

    /// <summary>Stops eu-north's silo (gracefully): its cluster has no silo left.</summary>
    public async Task StopNorthAsync()
    {
        if (_north is not null)
        {
            await _north.StopAsync();
            await _north.DisposeAsync();
            _north = null;
        }
    }

    /// <summary>Starts eu-north's silo again, on its ports and accounts.</summary>
    public async Task StartNorthAsync()
    {
        _northSettings ??= SiloSettingsOf(PairRegion, PairAzurite, Region, Azurite);
        var north = SiloApp.Build([], (c, l) =>
        {
            c.AddInMemoryCollection(_northSettings);
            l.AddProvider(Logs);
        });
        await north.StartAsync();
        _north = north;
    }

    protected override async Task StartSiloAsync()
    {
        await base.StartSiloAsync();
        await StartNorthAsync();
    }

    protected override async Task StopSiloAsync()
    {
        await StopNorthAsync();
        await base.StopSiloAsync();
    }

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() => WrittenInNorth();

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraGatewaySettings() =>
    [
        .. WrittenInNorth(),
        new($"ConnectionStrings:{RegionClients.ConnectionStringPrefix}{PairRegion}", PairAzurite.ConnectionString),
        new("Placement:RenewInterval", "00:05:00"),
    ];

    /// <summary>The witness's row of <paramref name="tenant"/>.</summary>
    public async Task<TenantPlacementRow> PlacementOfAsync(string tenant) =>
        await Witness.TenantAsync(tenant) ?? throw new InvalidOperationException($"The witness has no row of {tenant}.");

    private IEnumerable<KeyValuePair<string, string?>> WrittenInNorth() => new[] { North, Moving }.SelectMany(t => new KeyValuePair<string, string?>[]
    {
        new($"Placement:Tenants:{t}:Home", $"{Region},{PairRegion}"),
        new($"Placement:Tenants:{t}:Writer", PairRegion),
    });
}
