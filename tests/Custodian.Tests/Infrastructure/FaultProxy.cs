using System.Net;
using System.Net.Sockets;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a real server: while it is cut, every open connection is
/// reset and new ones are refused, as when a storage account becomes unreachable; nothing stored
/// behind it is touched.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private readonly List<TcpClient> _held = [];
    private volatile bool _cut;
    private volatile bool _stalled;

    public FaultProxy()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>The port of the server behind the proxy (set before the first connection).</summary>
    public int TargetPort { get; set; }

    /// <summary>Resets every connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_gate)
        {
            foreach (var client in _open)
            {
                try
                {
                    if (client.Client is { } socket) // null once the connection's own pipe has closed it
                    {
                        socket.LingerState = new LingerOption(true, 0); // RST, not FIN
                    }
                }
                catch (ObjectDisposedException)
                {
                    // closed by its own pipe a moment ago
                }

                client.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>
    /// Until <see cref="Restore"/>, the far side answers nothing: open connections are closed, new ones are
    /// accepted and then never answered, as when a link drops packets (callers wait for their timeouts).
    /// </summary>
    public void Stall()
    {
        _stalled = true;
        lock (_gate)
        {
            foreach (var client in _open)
            {
                client.Dispose();
            }

            _open.Clear();
        }
    }

    public void Restore()
    {
        _cut = false;
        _stalled = false;
        lock (_gate)
        {
            foreach (var client in _held)
            {
                client.Dispose();
            }

            _held.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        Restore();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (_cut)
            {
                inbound.Client.LingerState = new LingerOption(true, 0);
                inbound.Dispose();
                continue;
            }

            if (_stalled)
            {
                lock (_gate)
                {
                    _held.Add(inbound); // accepted, never answered
                }

                continue;
            }

            _ = PipeAsync(inbound);
        }
    }

    private async Task PipeAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, TargetPort);
            lock (_gate)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            using var a = inbound.GetStream();
            using var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b), b.CopyToAsync(a));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // the connection was cut
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
            lock (_gate)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }
        }
    }
}
