using System.Diagnostics;
using System.Net.Sockets;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// The platform with its silo in a child process (the built Custodian.Silo), so a test can kill it
/// the hard way — no graceful shutdown, nothing flushed — and start it again.
/// </summary>
public class ProcessSiloPlatform : Platform
{
    private Process? _silo;

    /// <summary>Kills the silo process at once.</summary>
    public async Task KillSiloAsync()
    {
        if (_silo is { HasExited: false })
        {
            _silo.Kill(entireProcessTree: true);
            await _silo.WaitForExitAsync();
        }

        _silo?.Dispose();
        _silo = null;
    }

    /// <summary>Starts the silo process again on the same ports, storage and keys.</summary>
    public Task StartAgainAsync() => StartSiloAsync();

    protected override async Task StartSiloAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Custodian.Silo.dll") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in SiloSettings())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Logging__Console__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("the silo process did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _silo = process;
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The silo process exited with code {process.ExitCode}.");
            }

            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", SiloGatewayPort);
            return true;
        }, TimeSpan.FromSeconds(60), e => e is SocketException);
    }

    protected override Task StopSiloAsync() => KillSiloAsync();
}
