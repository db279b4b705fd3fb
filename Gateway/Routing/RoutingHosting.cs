using System.Security.Cryptography.X509Certificates;
using Azure.Data.Tables;
using Custodian.Hosting;

namespace Custodian.Gateway.Routing;

/// <summary>Registers how the gateway reaches every region it serves and decides where each call goes.</summary>
public static class RoutingHosting
{
    /// <summary>
    /// Adds the gateway's Orleans clients — its own region's (<c>ConnectionStrings:Storage</c>, started with the host)
    /// and one per other region named by <c>ConnectionStrings:Storage-&lt;region&gt;</c> (started in the background) —
    /// the placements read from the witness (<c>ConnectionStrings:Witness</c>, <c>Placement</c>), the
    /// <see cref="RegionRouter"/> over them and the <see cref="RoutingInterceptor"/>. A region that is not declared,
    /// or a missing account, stops the gateway here with a message naming the key.
    /// </summary>
    public static IHostApplicationBuilder AddCustodianRouting(
        this IHostApplicationBuilder builder, GatewayOptions gateway, ClusterTlsOptions clusterTls, X509Certificate2 clusterCertificate)
    {
        var placement = builder.AddCustodianOptions<PlacementOptions>(PlacementOptions.Section);
        if (placement.PairOf(gateway.Region) is null)
        {
            throw new InvalidOperationException($"The gateway's region {gateway.Region} (Gateway:Region) is not declared in Placement:Regions.");
        }

        var own = Required(builder.Configuration, "Storage", "the gateway's region");
        var witness = Required(builder.Configuration, "Witness", "the witness (which region writes each tenant)");
        var remotes = RemoteRegions(builder.Configuration, gateway.Region, placement);
        var settings = new ClusterClientSettings(gateway.ServiceId, clusterCertificate, clusterTls);

        builder.UseOrleansClient(client => settings.Configure(client, gateway.Region, own));
        builder.Services.AddSingleton(services => new RegionClients(
            services.GetRequiredService<IClusterClient>(), gateway.Region, remotes, settings, services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<RegionClients>());
        builder.Services.AddSingleton(services => new RegionRouter(
            services.GetRequiredService<RegionClients>(),
            services.GetRequiredService<PlacementOptions>(),
            new WitnessTable(new TableServiceClient(witness, WitnessClientOptions(placement)).GetTableClient(WitnessTable.TableName)),
            services.GetRequiredService<ILogger<RegionRouter>>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<RegionRouter>());
        builder.Services.AddSingleton<RoutingInterceptor>();
        return builder;
    }

    /// <summary>The other regions' accounts, by region: every <c>ConnectionStrings:Storage-&lt;region&gt;</c> of a declared region.</summary>
    private static Dictionary<string, string> RemoteRegions(IConfiguration configuration, string ownRegion, PlacementOptions placement)
    {
        var remotes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection("ConnectionStrings").GetChildren())
        {
            if (!entry.Key.StartsWith(RegionClients.ConnectionStringPrefix, StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(entry.Value))
            {
                continue;
            }

            var region = entry.Key[RegionClients.ConnectionStringPrefix.Length..];
            if (!placement.Regions.ContainsKey(region))
            {
                throw new InvalidOperationException($"ConnectionStrings:{entry.Key} names a region that is not declared in Placement:Regions.");
            }

            if (region == ownRegion)
            {
                throw new InvalidOperationException($"ConnectionStrings:{entry.Key} names the gateway's own region: its account is ConnectionStrings:Storage.");
            }

            remotes[region] = entry.Value;
        }

        return remotes;
    }

    private static string Required(IConfiguration configuration, string name, string what) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"No storage account is configured for {what}: set ConnectionStrings:{name}.");

    /// <summary>
    /// The witness is read, never written, by a gateway: one quick retry and a short network timeout, so that an
    /// unreachable witness costs a refresh little (the cached routes stand until the next one).
    /// </summary>
    private static TableClientOptions WitnessClientOptions(PlacementOptions placement) => new()
    {
        Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500), NetworkTimeout = placement.PairTimeout },
    };
}
