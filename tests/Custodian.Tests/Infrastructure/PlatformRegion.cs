namespace Custodian.Tests.Infrastructure;

/// <summary>
/// One region of a <see cref="TwoRegionPlatform"/>: its Azurite, its silo and gateway processes and their ports,
/// the link its pair reaches its storage through, and its own way to the witness.
/// </summary>
public sealed class PlatformRegion
{
    internal PlatformRegion(string name, string pair, AzuriteServer azurite, AzuriteServer witness, GatewayAccess gateway)
    {
        Name = name;
        Pair = pair;
        Azurite = azurite;
        Link = new StorageLink(azurite);
        WitnessLink = new StorageLink(witness);
        Gateway = gateway;
    }

    /// <summary>The region, e.g. <c>eu-west</c> (its cluster's ClusterId).</summary>
    public string Name { get; }

    /// <summary>Its pair region.</summary>
    public string Pair { get; }

    /// <summary>The region's own storage account.</summary>
    public AzuriteServer Azurite { get; }

    /// <summary>The way from the pair region to this region's storage (the pair's silo replicates through it, its gateway forwards through it).</summary>
    public StorageLink Link { get; }

    /// <summary>The way from this region's silo and gateway to the witness.</summary>
    public StorageLink WitnessLink { get; }

    /// <summary>The silo's ports: its Orleans gateway port (<see cref="SiloPorts.Gateway"/>) is where the region's gateway connects.</summary>
    public SiloPorts SiloPorts { get; } = SiloPorts.Free();

    /// <summary>The region's gRPC gateway: its port, its endpoint, tokens and clients for it.</summary>
    public GatewayAccess Gateway { get; }

    /// <summary>The silo process, while it runs.</summary>
    public ChildProcess? Silo { get; internal set; }

    /// <summary>The gateway process, while it runs.</summary>
    public ChildProcess? GatewayProcess { get; internal set; }

    /// <summary>The ids of the region's processes that run now: silo, gateway, Azurite.</summary>
    public IReadOnlyList<int> ProcessIds() =>
    [
        .. new[] { Silo, GatewayProcess }.Where(p => p is { HasExited: false }).Select(p => p!.Id),
        .. Azurite.IsRunning ? [Azurite.ProcessId] : Array.Empty<int>(),
    ];
}
