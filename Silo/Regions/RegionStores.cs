using Azure.Data.Tables;
using Custodian.Hosting;
using Custodian.Silo.Storage;

namespace Custodian.Silo.Regions;

/// <summary>
/// The storage a silo writes to: its own region's account and key ring, its pair region's account and
/// key ring (to wrap data keys for the pair's KEK), and the witness's placement table.
/// </summary>
public sealed record RegionStores(
    string Region,
    TableServiceClient Tables,
    IKeyRing KeyRing,
    string Pair,
    TableServiceClient PairTables,
    IKeyRing PairKeyRing,
    TableServiceClient Witness,
    PlacementOptions Placement)
{
    /// <summary>The witness's table of placements and leases.</summary>
    public const string PlacementTable = WitnessTable.TableName;

    /// <summary>Each region's table of unreplicated items.</summary>
    public const string BacklogTable = "CustodianBacklog";

    /// <summary>
    /// Options for clients of the pair's account: no retry and a short network timeout, so an unreachable pair
    /// costs one write at most <see cref="PlacementOptions.PairTimeout"/> (after which the pair counts as
    /// unreachable until a probe finds it, and the backlog takes the writes) rather than minutes of retries.
    /// </summary>
    public static TableClientOptions RemoteOptions(PlacementOptions placement) => new()
    {
        Retry = { MaxRetries = 0, NetworkTimeout = placement.PairTimeout },
    };

    /// <summary>Options for the witness's client: one quick retry (a renewal that fails is tried again next interval).</summary>
    public static TableClientOptions WitnessOptions(PlacementOptions placement) => new()
    {
        Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500), NetworkTimeout = placement.PairTimeout },
    };

    /// <summary>
    /// Reads the silo's stores from configuration: <c>ConnectionStrings:Storage</c> (this region),
    /// <c>ConnectionStrings:PairStorage</c> and <c>ConnectionStrings:Witness</c>; the pair's key file is
    /// <c>SecureStorage:PairKeyFile</c>. Anything missing stops the silo with a message naming the key.
    /// </summary>
    public static RegionStores FromConfiguration(IConfiguration configuration, string region, PlacementOptions placement, SecureStorageOptions storage)
    {
        string Required(string name) => configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"No storage account is configured for {name}: set ConnectionStrings:{name}.");
        var pair = placement.PairOf(region)
            ?? throw new InvalidOperationException($"Region {region} (Silo:Region) is not declared in Placement:Regions.");
        if (string.IsNullOrWhiteSpace(storage.PairKeyFile))
        {
            throw new InvalidOperationException($"No key file of the pair region {pair} is configured: set SecureStorage:PairKeyFile.");
        }

        return new RegionStores(
            region,
            new TableServiceClient(Required("Storage")),
            LocalKeyRing.Load(storage.KeyFile, region, storage.CreateKeyFileIfMissing),
            pair,
            new TableServiceClient(Required("PairStorage"), RemoteOptions(placement)),
            LocalKeyRing.Load(storage.PairKeyFile, pair, storage.CreateKeyFileIfMissing),
            new TableServiceClient(Required("Witness"), WitnessOptions(placement)),
            placement);
    }
}
