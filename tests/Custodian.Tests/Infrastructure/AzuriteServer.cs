using System.Diagnostics;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Custodian.Tests.Infrastructure;

/// <summary>A real Azurite (the pinned npm package) on free 127.0.0.1 ports, with its data in a temp folder.</summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;
    private readonly string _location;

    private AzuriteServer(Process process, string location, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _location = location;
        TablePort = tablePort;
        BlobPort = blobPort;
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    /// <summary>The emulator's process id (e.g. to pin it to a core of its own in a benchmark).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The port of the table service.</summary>
    public int TablePort { get; }

    /// <summary>The port of the blob service.</summary>
    public int BlobPort { get; }

    /// <summary>A connection string whose blob endpoint is <paramref name="port"/> (e.g. a proxy in front of this Azurite).</summary>
    public string ConnectionStringWithBlobPort(int port) =>
        ConnectionString.Replace($"127.0.0.1:{BlobPort}/", $"127.0.0.1:{port}/", StringComparison.Ordinal);

    /// <summary>A connection string to this Azurite with a key that is not the account's: every request is refused (403).</summary>
    public string ConnectionStringWithWrongKey() =>
        ConnectionString.Replace(AccountKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);

    /// <summary>A connection string whose table endpoint is <paramref name="port"/> (e.g. a proxy in front of this Azurite).</summary>
    public string ConnectionStringWithTablePort(int port) =>
        ConnectionString.Replace($"127.0.0.1:{TablePort}/", $"127.0.0.1:{port}/", StringComparison.Ordinal);

    public TableServiceClient Tables => new(ConnectionString);

    public BlobServiceClient Blobs => new(ConnectionString, new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06));

    /// <summary>
    /// Starts Azurite on free ports; <paramref name="inMemory"/> keeps its data in memory only (no
    /// periodic save of the whole database to disk, which stalls it as the data grows).
    /// </summary>
    public static async Task<AzuriteServer> StartAsync(bool inMemory = false)
    {
        var script = Path.Combine(RepositoryRoot.Path, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed ({script}); build the tests once (it runs npm ci).");
        }

        var location = Directory.CreateTempSubdirectory("custodian-azurite-").FullName;
        int blob = FreePorts.Next(), queue = FreePorts.Next(), table = FreePorts.Next();
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl",
                "--blobHost", "127.0.0.1", "--blobPort", $"{blob}",
                "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
                "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(inMemory ? "--inMemoryPersistence" : "--location");
        if (!inMemory)
        {
            start.ArgumentList.Add(location);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AzuriteServer(process, location, blob, queue, table);
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}");
            }

            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", table);
            using var tcp2 = new TcpClient();
            await tcp2.ConnectAsync("127.0.0.1", blob);
            return true;
        }, TimeSpan.FromSeconds(30), e => e is SocketException);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
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
