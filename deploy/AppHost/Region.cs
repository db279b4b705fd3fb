namespace Custodian.AppHost;

/// <summary>
/// One region of the local platform: its residency zone, its pair (the region every write is replicated
/// to), its Azurite, its silo's ports (silo-to-silo, Orleans gateway, admin) and its gRPC gateway's port, all on 127.0.0.1.
/// </summary>
internal sealed record Region(string Name, string Zone, string Pair, int BlobPort, int SiloPort, int GatewayPort, int AdminPort, int GrpcPort)
{
    /// <summary>The region's Azurite.</summary>
    public StorageEndpoint Storage => new(Name, BlobPort);

    /// <summary>The region's key-encryption key ring under the platform's state folder.</summary>
    public string KeyFile(string stateDirectory) => Path.Combine(stateDirectory, "keys", $"{Name}.kek.json");
}

/// <summary>One Azurite: its blob port and the queue and table ports right after it.</summary>
internal sealed record StorageEndpoint(string Name, int BlobPort)
{
    public int QueuePort => BlobPort + 1;

    public int TablePort => BlobPort + 2;

    /// <summary>The Azurite, through its well-known development account.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;"
        + $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;"
        + $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";
}
