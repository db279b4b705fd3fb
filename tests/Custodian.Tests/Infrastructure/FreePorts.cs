using System.Net;
using System.Net.Sockets;

namespace Custodian.Tests.Infrastructure;

/// <summary>Free TCP ports on 127.0.0.1, never handed out twice in one test run.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        lock (Given)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
