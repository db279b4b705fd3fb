using Grpc.Core;
using Grpc.Net.Client.Configuration;

namespace Custodian.Client;

/// <summary>
/// The gRPC service config a <see cref="CustodianClient"/> gives each gateway's channel: every method is retried on
/// <c>UNAVAILABLE</c> only, a few times with exponential backoff, on the same gateway; moving to another gateway is the
/// client's own failover on top of it. No method is hedged. The README shows the same config as JSON for other languages.
/// </summary>
/// <remarks>
/// gRPC retries an attempt only while nothing of its response has arrived, and every attempt carries the same headers, so a
/// write's <see cref="IdempotencyKey"/> is the same on each. Hedging would send several copies of a call at once: for a
/// write that is several writes unless the gateway honours its key, and every read is an audited access that would be
/// logged once per copy in the subject's access log; hedging buys latency Custodian's calls do not need at that price.
/// </remarks>
public static class GatewayServiceConfig
{
    /// <summary>The status codes an attempt is retried on: only <c>UNAVAILABLE</c> (the gateway, its region or the connection is down, nothing was done).</summary>
    public static IReadOnlyList<StatusCode> RetryableStatusCodes { get; } = [StatusCode.Unavailable];

    /// <summary>The service config for one gateway's channel with the retry settings of <paramref name="options"/>.</summary>
    public static ServiceConfig Create(CustodianClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ServiceConfig();
        if (options.MaxAttemptsPerGateway <= 1)
        {
            return config;
        }

        var retry = new RetryPolicy
        {
            MaxAttempts = options.MaxAttemptsPerGateway,
            InitialBackoff = options.InitialBackoff,
            MaxBackoff = options.MaxBackoff,
            BackoffMultiplier = 2,
        };
        foreach (var code in RetryableStatusCodes)
        {
            retry.RetryableStatusCodes.Add(code);
        }

        config.MethodConfigs.Add(new MethodConfig { Names = { MethodName.Default }, RetryPolicy = retry });
        return config;
    }
}
