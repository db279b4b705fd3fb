using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Custodian.Client;

/// <summary>How a <see cref="CustodianClient"/> reaches Custodian's gateways.</summary>
public sealed class CustodianClientOptions
{
    /// <summary>
    /// The gateways' https addresses, in the order they are tried: a call that finds one <c>UNAVAILABLE</c> goes
    /// to the next, and later calls start with the one that answered. At least one.
    /// </summary>
    public IList<Uri> Endpoints { get; } = [];

    /// <summary>
    /// Returns the bearer token to send with a call (asked once per attempt, so a provider that caches and
    /// refreshes a token works); null sends none.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? AccessToken { get; set; }

    /// <summary>
    /// A gateway certificate to trust instead of the system's roots: either exactly the certificate the gateways
    /// present (pinned; for a self-signed development gateway, the name is not checked) or a CA certificate that
    /// issued theirs (then the chain must end at it and the name must match). Null uses the system's validation.
    /// </summary>
    public X509Certificate2? TrustedCertificate { get; set; }

    /// <summary>
    /// The deadline of a call that sets none itself, counted from its start across every retry and failover;
    /// null for no deadline. 30 seconds by default.
    /// </summary>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long opening a connection to one gateway may take before it counts as unavailable. 5 seconds by default.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Attempts of a call on one gateway while it answers <c>UNAVAILABLE</c> (gRPC's retry policy, see
    /// <see cref="GatewayServiceConfig"/>), before the call moves to the next gateway; 1 disables retries. 3 by default.
    /// </summary>
    public int MaxAttemptsPerGateway { get; set; } = 3;

    /// <summary>The first retry's backoff on one gateway; later ones grow by 2 up to <see cref="MaxBackoff"/>, randomised by gRPC. 200 ms by default.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff between retries on one gateway. 2 seconds by default.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Where failover notices are logged (a warning each); null logs none.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Called with each failover notice (e.g. to show it on a console); null calls nothing.</summary>
    public Action<GatewayFailover>? OnFailover { get; set; }
}
