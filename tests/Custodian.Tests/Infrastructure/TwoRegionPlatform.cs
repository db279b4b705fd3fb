using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Custodian.Hosting;
using Grpc.Core;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// Both regions of the pair eu-west ↔ eu-north, everything a child process, on 127.0.0.1 and free ports: per region
/// an Azurite, a silo (<c>dotnet Custodian.Silo.dll</c>, its own cluster) and a gateway (<c>dotnet Custodian.Gateway.dll</c>);
/// the witness's Azurite and one SMTP relay (in this process). Certificates, key files, the JWT key and the audit key
/// are created by the hosts in a temp folder of this fixture, and shared: one cluster certificate, JWT key and audit
/// key; each region's key file, which the pair also holds. Tenant <see cref="WestTenant"/> is written in eu-west,
/// <see cref="NorthTenant"/> in eu-north.
/// <para>
/// What crosses regions goes through a <see cref="StorageLink"/>: each silo's pair storage, each gateway's
/// <c>Storage-&lt;pair&gt;</c>. <see cref="CutLink"/> cuts both directions while both regions still reach the witness
/// (each through a link of its own, which <see cref="CutWitness"/> cuts). <see cref="KillRegionAsync"/> takes a whole
/// region down the hard way, <see cref="StartRegionAsync"/> brings it back on the same ports and data.
/// </para>
/// </summary>
public class TwoRegionPlatform : IAsyncLifetime
{
    /// <summary>One region of the pair.</summary>
    public const string West = "eu-west";

    /// <summary>The other region of the pair.</summary>
    public const string North = "eu-north";

    /// <summary>A tenant of the pair written in eu-west.</summary>
    public const string WestTenant = "tenant-west";

    /// <summary>A tenant of the pair written in eu-north.</summary>
    public const string NorthTenant = "tenant-north";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Dictionary<string, PlatformRegion> _regions = new(StringComparer.Ordinal);
    private X509Certificate2? _gatewayCertificate;
    private bool _disposed;

    /// <summary>The folder of the generated keys and certificates (gateway.crt, jwt.key, eu-west.kek.json, …).</summary>
    public string SecretsFolder { get; } = Directory.CreateTempSubdirectory("custodian-secrets-").FullName;

    /// <summary>The witness's storage account: placements and leases.</summary>
    public AzuriteServer WitnessAzurite { get; private set; } = null!;

    /// <summary>The SMTP relay both silos deliver mail to.</summary>
    public SmtpRelay Mail { get; private set; } = null!;

    /// <summary>The key tokens are signed with (both gateways trust it).</summary>
    public JwtOptions Jwt => new() { SigningKeyFile = Path.Combine(SecretsFolder, "jwt.key") };

    /// <summary>The certificate both gateways present (created by the first gateway to start).</summary>
    public X509Certificate2 GatewayCertificate => _gatewayCertificate ??= X509CertificateLoader.LoadCertificateFromFile(Path.Combine(SecretsFolder, "gateway.crt"));

    /// <summary>Both regions.</summary>
    public IReadOnlyCollection<PlatformRegion> Regions => _regions.Values;

    /// <summary>The region <paramref name="name"/> (<see cref="West"/> or <see cref="North"/>).</summary>
    public PlatformRegion Region(string name) =>
        _regions.TryGetValue(name, out var region) ? region : throw new ArgumentException($"The platform has no region '{name}'.", nameof(name));

    public Task InitializeAsync() => FixtureStart.OrDisposeAsync(StartAsync, DisposeAsync);

    private async Task StartAsync()
    {
        var west = AzuriteServer.StartAsync();
        var north = AzuriteServer.StartAsync();
        var witness = AzuriteServer.StartAsync();
        var mail = SmtpRelay.StartAsync();
        try
        {
            await Task.WhenAll(west, north, witness, mail);
        }
        finally
        {
            // Whatever started is kept, so that a failed start still stops it.
            WitnessAzurite = witness.IsCompletedSuccessfully ? witness.Result : null!;
            Mail = mail.IsCompletedSuccessfully ? mail.Result : null!;
            foreach (var (name, pair, azurite) in new[] { (West, North, west), (North, West, north) })
            {
                if (azurite.IsCompletedSuccessfully && WitnessAzurite is not null)
                {
                    _regions[name] = new PlatformRegion(name, pair, azurite.Result, WitnessAzurite, NewGatewayAccess());
                }
                else if (azurite.IsCompletedSuccessfully)
                {
                    await azurite.Result.DisposeAsync();
                }
            }
        }

        await Task.WhenAll(_regions.Values.Select(StartHostsAsync));
    }

    /// <summary>
    /// Takes <paramref name="name"/> down as a region outage does: its silo and gateway are killed at once with their
    /// process trees (SIGKILL), then its Azurite stops (its data folder kept; see <see cref="AzuriteServer.StopAsync"/>).
    /// </summary>
    public async Task KillRegionAsync(string name)
    {
        var region = Region(name);
        await Task.WhenAll(new[] { region.Silo, region.GatewayProcess }.OfType<ChildProcess>().Select(p => p.KillAsync()));
        await region.Azurite.StopAsync();
    }

    /// <summary>
    /// Brings <paramref name="name"/> back: its Azurite on the same ports and data, then its silo, then its gateway;
    /// returns once the gateway answers its gRPC health check with SERVING.
    /// </summary>
    public async Task StartRegionAsync(string name)
    {
        var region = Region(name);
        await region.Azurite.StartAgainAsync();
        await StartHostsAsync(region);
    }

    /// <summary>A grain client of <paramref name="name"/>'s cluster (for calls that do not go through a gateway); dispose it.</summary>
    public Task<RegionClusterClient> ClusterClientAsync(string name) =>
        RegionClusterClient.ConnectAsync(name, Region(name).Azurite.ConnectionString, Path.Combine(SecretsFolder, "cluster.pfx"));

    /// <summary>Cuts the link between the regions, both ways; both still reach the witness.</summary>
    public void CutLink()
    {
        foreach (var region in Regions)
        {
            region.Link.Cut();
        }
    }

    /// <summary>Restores the link between the regions.</summary>
    public void RestoreLink()
    {
        foreach (var region in Regions)
        {
            region.Link.Restore();
        }
    }

    /// <summary>Cuts <paramref name="name"/>'s silo and gateway off the witness (the other region still reaches it).</summary>
    public void CutWitness(string name) => Region(name).WitnessLink.Cut();

    /// <summary>Gives <paramref name="name"/> its way to the witness back.</summary>
    public void RestoreWitness(string name) => Region(name).WitnessLink.Restore();

    /// <summary>The whole configuration of <paramref name="name"/>'s silo.</summary>
    public Dictionary<string, string?> SiloSettings(string name)
    {
        var region = Region(name);
        return HostSettings.Silo(SecretsFolder, name, region.Azurite.ConnectionString, region.SiloPorts, Mail.Port)
            .With(PlacementSettings())
            .With(
            [
                new("ConnectionStrings:PairStorage", Region(region.Pair).Link.ConnectionString),
                new("ConnectionStrings:Witness", region.WitnessLink.ConnectionString),
                new("SecureStorage:PairKeyFile", HostSettings.KeyFile(SecretsFolder, region.Pair)),
            ])
            .With(ExtraSettings(name));
    }

    /// <summary>
    /// The whole configuration of <paramref name="name"/>'s gateway: its own cluster's account (<c>ConnectionStrings:Storage</c>),
    /// the pair's (<c>ConnectionStrings:Storage-&lt;pair&gt;</c>, through the link) for forwarding to it, the witness and the placement.
    /// </summary>
    public Dictionary<string, string?> GatewaySettings(string name)
    {
        var region = Region(name);
        return HostSettings.Gateway(SecretsFolder, name, region.Azurite.ConnectionString, region.Gateway.Port)
            .With(PlacementSettings())
            .With(
            [
                new($"ConnectionStrings:Storage-{region.Pair}", Region(region.Pair).Link.ConnectionString),
                new("ConnectionStrings:Witness", region.WitnessLink.ConnectionString),
            ])
            .With(ExtraSettings(name));
    }

    /// <summary>The placement both regions' silos and gateways share, with <see cref="WestTenant"/> and <see cref="NorthTenant"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> PlacementSettings() =>
        [.. TestPlacement.Placement(), .. TestPlacement.EuTenant(WestTenant, West), .. TestPlacement.EuTenant(NorthTenant, North)];

    /// <summary>Settings a platform adds to, or overrides in, the configuration of <paramref name="region"/>'s silo and gateway.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings(string region) => [];

    public async Task DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var region in Regions)
        {
            await StopHostsAsync(region);
            await region.Azurite.DisposeAsync();
            await region.Link.DisposeAsync();
            await region.WitnessLink.DisposeAsync();
        }

        if (WitnessAzurite is not null)
        {
            await WitnessAzurite.DisposeAsync();
        }

        if (Mail is not null)
        {
            await Mail.DisposeAsync();
        }

        try
        {
            Directory.Delete(SecretsFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private GatewayAccess NewGatewayAccess() => new(FreePorts.Next(), () => GatewayCertificate, Jwt);

    private async Task StartHostsAsync(PlatformRegion region)
    {
        await StopHostsAsync(region);
        region.Silo = ChildProcess.Dotnet($"silo {region.Name}", "Custodian.Silo.dll", SiloSettings(region.Name));
        await region.Silo.WaitUntilAsync(() => ChildProcess.AcceptsConnectionsAsync(region.SiloPorts.Gateway), StartTimeout, e => e is SocketException);

        // The gateway connects to its cluster before it listens, and creates the gateway certificate before that.
        region.GatewayProcess = ChildProcess.Dotnet($"gateway {region.Name}", "Custodian.Gateway.dll", GatewaySettings(region.Name));
        await region.GatewayProcess.WaitUntilAsync(() => ChildProcess.AcceptsConnectionsAsync(region.Gateway.Port), StartTimeout, e => e is SocketException);
        await region.GatewayProcess.WaitUntilAsync(() => region.Gateway.ServingAsync(TimeSpan.FromSeconds(5)), StartTimeout, e => e is RpcException or HttpRequestException);
    }

    private static async Task StopHostsAsync(PlatformRegion region)
    {
        foreach (var process in new[] { region.GatewayProcess, region.Silo })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }

        region.GatewayProcess = null;
        region.Silo = null;
    }
}
