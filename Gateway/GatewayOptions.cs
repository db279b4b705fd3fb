using System.ComponentModel.DataAnnotations;

namespace Custodian.Gateway;

/// <summary>Where the gateway listens and which region it belongs to.</summary>
public sealed class GatewayOptions
{
    private IReadOnlyList<System.Net.IPNetwork>? _trustedProxyNetworks;

    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway";

    /// <summary>
    /// The gateway's own region: its cluster serves the tenants it writes and the region's own data, and its trail
    /// records what has no tenant. Calls for tenants written elsewhere are forwarded (ConnectionStrings:Storage-&lt;region&gt;).
    /// </summary>
    [Required, RegularExpression("^[a-z][a-z0-9-]{1,30}$", ErrorMessage = "Gateway:Region is lower-case letters, digits and '-', e.g. eu-west.")]
    public string Region { get; set; } = "";

    /// <summary>The Orleans ServiceId, the same in every region.</summary>
    [Required]
    public string ServiceId { get; set; } = "custodian";

    /// <summary>The address the gRPC endpoint listens on.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The gRPC endpoint's port; HTTPS with HTTP/2 only, never plain text.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 7443;

    /// <summary>Networks (CIDR) of proxies whose X-Forwarded-For is believed; nobody else's is.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>
    /// <see cref="TrustedProxies"/> parsed, once (a method, so that configuration binding never reads it
    /// before the list is bound).
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxyNetworks() => _trustedProxyNetworks ??= [.. TrustedProxies.Select(p => System.Net.IPNetwork.Parse(p))];

    /// <summary>Calls a principal may make per second, sustained.</summary>
    [Range(1, 1_000_000)]
    public int RateLimitPerSecond { get; set; } = 200;

    /// <summary>Calls a principal may make in a burst above the sustained rate.</summary>
    [Range(1, 1_000_000)]
    public int RateLimitBurst { get; set; } = 400;

    /// <summary>Calls the gateway runs at once, whoever makes them; the silos behind it see no more.</summary>
    [Range(1, 1_000_000)]
    public int MaxConcurrentCalls { get; set; } = 512;

    /// <summary>Calls that wait for one in flight to finish when <see cref="MaxConcurrentCalls"/> run; beyond, RESOURCE_EXHAUSTED at once.</summary>
    [Range(0, 1_000_000)]
    public int ConcurrentCallQueue { get; set; } = 2048;

    /// <summary>
    /// The largest request message the gateway reads, in bytes (4 MiB, grpc-dotnet's default, set
    /// explicitly). A larger one is refused RESOURCE_EXHAUSTED, naming this limit, before it is read.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;
}
