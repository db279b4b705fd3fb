namespace Custodian.AppHost;

/// <summary>One region of the local platform: its Azurite's ports and its silo's ports, all on 127.0.0.1.</summary>
internal sealed record Region(string Name, int BlobPort, int SiloPort, int GatewayPort, int AdminPort)
{
    public int QueuePort => BlobPort + 1;

    public int TablePort => BlobPort + 2;

    /// <summary>The region's Azurite, through its well-known development account.</summary>
    public string StorageConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;"
        + $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;"
        + $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";
}
