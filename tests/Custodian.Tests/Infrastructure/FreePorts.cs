using System.Net;
using System.Net.Sockets;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// Free TCP ports on 127.0.0.1, never handed out twice in one test run. They are taken below the
/// ephemeral range (32768 and up on Linux), from which every outgoing connection gets its local port:
/// a port handed out there could be taken by some connection before its server binds it.
/// </summary>
public static class FreePorts
{
    private const int First = 20000;
    private const int Last = 32000;
    private static readonly HashSet<int> Given = [];
    private static int _next = First + Random.Shared.Next(Last - First);

    public static int Next()
    {
        lock (Given)
        {
            for (var tries = 0; tries < Last - First; tries++)
            {
                var port = _next;
                _next = _next + 1 > Last ? First : _next + 1;
                if (!Given.Contains(port) && Bindable(port))
                {
                    Given.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException($"No free port between {First} and {Last}.");
        }
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
