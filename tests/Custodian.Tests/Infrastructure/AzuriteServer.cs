using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// A real Azurite (the pinned npm package) on free 127.0.0.1 ports, with its data in a temp folder. It can be
/// stopped and started again on the same ports and data, as a storage account that goes away and comes back.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string _location;
    private readonly bool _inMemory;
    private readonly int _queuePort;
    private ChildProcess? _process;

    private AzuriteServer(string location, bool inMemory, int blobPort, int queuePort, int tablePort)
    {
        _location = location;
        _inMemory = inMemory;
        _queuePort = queuePort;
        TablePort = tablePort;
        BlobPort = blobPort;
        ConnectionString = ConnectionStringWithPorts(blobPort, tablePort);
    }

    public string ConnectionString { get; }

    /// <summary>The emulator's process id (e.g. to pin it to a core of its own in a benchmark).</summary>
    public int ProcessId => (_process ?? throw new InvalidOperationException("Azurite is stopped.")).Id;

    /// <summary>Whether the emulator runs now.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The port of the table service.</summary>
    public int TablePort { get; }

    /// <summary>The port of the blob service.</summary>
    public int BlobPort { get; }

    /// <summary>A connection string whose blob endpoint is <paramref name="port"/> (e.g. a proxy in front of this Azurite).</summary>
    public string ConnectionStringWithBlobPort(int port) => ConnectionStringWithPorts(port, TablePort);

    /// <summary>A connection string whose blob and table endpoints are on other ports (e.g. proxies in front of this Azurite).</summary>
    public string ConnectionStringWithPorts(int blobPort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{_queuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    /// <summary>A connection string to this Azurite with a key that is not the account's: every request is refused (403).</summary>
    public string ConnectionStringWithWrongKey() =>
        ConnectionString.Replace(AccountKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);

    /// <summary>A connection string whose table endpoint is <paramref name="port"/> (e.g. a proxy in front of this Azurite).</summary>
    public string ConnectionStringWithTablePort(int port) => ConnectionStringWithPorts(BlobPort, port);

    public TableServiceClient Tables => new(ConnectionString);

    public BlobServiceClient Blobs => new(ConnectionString, new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06));

    /// <summary>
    /// Starts Azurite on free ports; <paramref name="inMemory"/> keeps its data in memory only (no
    /// periodic save of the whole database to disk, which stalls it as the data grows).
    /// </summary>
    public static async Task<AzuriteServer> StartAsync(bool inMemory = false)
    {
        var server = new AzuriteServer(Directory.CreateTempSubdirectory("custodian-azurite-").FullName, inMemory, FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        try
        {
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts the emulator again, on the same ports and over the same data folder (an in-memory one starts empty);
    /// returns once its table and blob services accept connections.
    /// </summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var script = Path.Combine(RepositoryRoot.Path, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed ({script}); build the tests once (it runs npm ci).");
        }

        List<string> arguments =
        [
            script, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", $"{BlobPort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{_queuePort}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{TablePort}",
            .. _inMemory ? ["--inMemoryPersistence"] : new[] { "--location", _location },
        ];
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _process = ChildProcess.Start($"Azurite on {TablePort}", "node", arguments);
        await _process.WaitUntilAsync(
            async () => await ChildProcess.AcceptsConnectionsAsync(TablePort) && await ChildProcess.AcceptsConnectionsAsync(BlobPort),
            TimeSpan.FromSeconds(60), e => e is SocketException); // node takes long to start on a busy machine
    }

    /// <summary>
    /// Stops the emulator and keeps its data folder. It is asked to stop (SIGTERM), as Azurite then saves its
    /// database, which it otherwise writes only every five seconds: a stopped account keeps every write it
    /// acknowledged, as real storage does. Killed if it has not stopped within ten seconds.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.TerminateAsync(TimeSpan.FromSeconds(10));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
