using System.Net.Sockets;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// The platform with its silo in a child process (the built Custodian.Silo), so a test can kill it
/// the hard way — no graceful shutdown, nothing flushed — and start it again.
/// </summary>
public class ProcessSiloPlatform : Platform
{
    private ChildProcess? _silo;

    /// <summary>Kills the silo process at once.</summary>
    public async Task KillSiloAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        _silo = null;
    }

    /// <summary>Starts the silo process again on the same ports, storage and keys.</summary>
    public Task StartAgainAsync() => StartSiloAsync();

    protected override async Task StartSiloAsync()
    {
        _silo = ChildProcess.Dotnet($"silo {Region}", "Custodian.Silo.dll", SiloSettings());
        await _silo.WaitUntilAsync(() => ChildProcess.AcceptsConnectionsAsync(SiloGatewayPort), TimeSpan.FromSeconds(60), e => e is SocketException);
    }

    protected override Task StopSiloAsync() => KillSiloAsync();
}
