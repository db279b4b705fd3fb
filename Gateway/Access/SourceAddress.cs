using System.Net;

namespace Custodian.Gateway.Access;

/// <summary>
/// The caller's address: the connection's, or — only when the connection comes from a configured
/// proxy — the nearest address in X-Forwarded-For that is not itself a trusted proxy.
/// </summary>
internal static class SourceAddress
{
    /// <summary>The caller's address, believing X-Forwarded-For only from the gateway's trusted proxies.</summary>
    public static IPAddress Of(HttpContext http, GatewayOptions options) => Of(http, options.TrustedProxyNetworks());

    public static IPAddress Of(HttpContext http, IReadOnlyList<IPNetwork> trustedProxies)
    {
        var remote = Normalize(http.Connection.RemoteIpAddress ?? IPAddress.None);
        if (!IsTrusted(remote, trustedProxies))
        {
            return remote;
        }

        var hops = http.Request.Headers["X-Forwarded-For"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var hop in hops.Reverse())
        {
            if (!IPAddress.TryParse(hop, out var address))
            {
                return remote; // a malformed chain is not trusted
            }

            address = Normalize(address);
            if (!IsTrusted(address, trustedProxies))
            {
                return address;
            }
        }

        return remote;
    }

    private static bool IsTrusted(IPAddress address, IReadOnlyList<IPNetwork> trustedProxies) => trustedProxies.Any(n => n.Contains(address));

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
