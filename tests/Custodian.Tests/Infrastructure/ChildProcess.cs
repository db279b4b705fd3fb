using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// A process a test run starts (Azurite, a silo, a gateway): its output and error streams are read as they
/// come, the last lines kept in memory (see <see cref="Tail"/>), so that a start that fails can say why.
/// It is killed with its whole process tree, never left behind.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 60;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private bool _disposed;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What the process is, in messages (e.g. <c>silo eu-west</c>).</summary>
    public string Name { get; }

    /// <summary>Its process id.</summary>
    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines it wrote to its output or error stream, oldest first.</summary>
    public string Tail() => string.Join(Environment.NewLine, _lines);

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>, its streams redirected.</summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, IEnumerable<KeyValuePair<string, string?>>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        return new ChildProcess(name, Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start"));
    }

    /// <summary>
    /// Starts one of the hosts built beside the tests (<c>dotnet Custodian.Silo.dll</c>, <c>dotnet Custodian.Gateway.dll</c>)
    /// with <paramref name="settings"/> as its environment (<c>:</c> written <c>__</c>).
    /// </summary>
    public static ChildProcess Dotnet(string name, string assembly, IEnumerable<KeyValuePair<string, string?>> settings) =>
        Start(name, "dotnet", [Path.Combine(AppContext.BaseDirectory, assembly)],
            settings.Select(s => KeyValuePair.Create(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)),
            AppContext.BaseDirectory);

    /// <summary>
    /// Polls <paramref name="ready"/> until it holds; fails with the process's last lines when the process exits
    /// first or <paramref name="timeout"/> passes. Exceptions <paramref name="retryOn"/> accepts count as not yet.
    /// </summary>
    public async Task WaitUntilAsync(Func<Task<bool>> ready, TimeSpan timeout, Func<Exception, bool> retryOn)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} while starting. Its last lines:{Environment.NewLine}{Tail()}");
            }

            Exception? last = null;
            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception e) when (retryOn(e))
            {
                last = e;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds:0} s ({last?.GetType().Name ?? "not yet"}). Its last lines:{Environment.NewLine}{Tail()}", last);
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Whether something accepts connections on 127.0.0.1:<paramref name="port"/>; a refusal throws <see cref="SocketException"/>.</summary>
    public static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        return true;
    }

    /// <summary>Kills it at once with its whole process tree (SIGKILL: nothing flushed) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had exited already.
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// Asks it to stop (SIGTERM, so it may save what it holds in memory) and waits up to <paramref name="grace"/>;
    /// then kills it like <see cref="KillAsync"/>.
    /// </summary>
    public async Task TerminateAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", $"{_process.Id}"]) { UseShellExecute = false }))
            {
                await kill!.WaitForExitAsync();
            }

            try
            {
                await _process.WaitForExitAsync().WaitAsync(grace);
            }
            catch (TimeoutException)
            {
                // It did not stop in time: killed below.
            }
        }

        await KillAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await KillAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > KeptLines && _lines.TryDequeue(out _))
        {
        }
    }
}
