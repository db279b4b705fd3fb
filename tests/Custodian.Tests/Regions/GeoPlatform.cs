using Azure.Data.Tables;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Regions;

/// <summary>
/// The platform with its pair region's storage behind a <see cref="FaultProxy"/>: cutting it makes eu-north
/// unreachable from eu-west (every connection reset, new ones refused) while nothing stored there changes.
/// The witness sits behind one too.
/// </summary>
public class GeoPlatform : Platform
{
    public FaultProxy PairLink { get; } = new();

    public FaultProxy WitnessLink { get; } = new();

    protected override string WitnessConnectionString
    {
        get
        {
            WitnessLink.TargetPort = WitnessAzurite.TablePort;
            return WitnessAzurite.ConnectionStringWithTablePort(WitnessLink.Port);
        }
    }

    /// <summary>A backlog older than two seconds raises its security alert (a test waits for it).</summary>
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() => [new("Placement:BacklogAlertAge", "00:00:02")];

    protected override string PairConnectionString => PairAzurite.ConnectionStringWithTablePort(PairLink.Port);

    protected override async Task<AzuriteServer> StartPairAzuriteAsync()
    {
        var pair = await AzuriteServer.StartAsync();
        PairLink.TargetPort = pair.TablePort;
        return pair;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PairLink.DisposeAsync();
        await WitnessLink.DisposeAsync();
    }

    /// <summary>The witness's row of <paramref name="tenant"/>.</summary>
    public async Task<TableEntity?> PlacementOfAsync(string tenant)
    {
        var row = await WitnessAzurite.Tables.GetTableClient("CustodianPlacement").GetEntityIfExistsAsync<TableEntity>("tenant", tenant);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Waits (up to a minute) until eu-west's backlog holds nothing, or nothing of <paramref name="tenant"/>.</summary>
    public Task DrainedAsync(string? tenant = null) => Poll.UntilAsync(
        async () => (await BacklogAsync()).All(r => tenant is not null && r.PartitionKey != "t:" + tenant) ? true : throw new InvalidOperationException("still draining"),
        TimeSpan.FromSeconds(60));

    /// <summary>Rows of eu-west's replication backlog.</summary>
    public async Task<List<TableEntity>> BacklogAsync()
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Azurite.Tables.GetTableClient("CustodianBacklog").QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }
}
