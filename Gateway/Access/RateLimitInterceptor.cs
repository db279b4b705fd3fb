using System.Threading.RateLimiting;
using Custodian.Hosting;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Custodian.Gateway.Access;

/// <summary>
/// Per-principal token buckets: a principal over its rate gets RESOURCE_EXHAUSTED with a
/// google.rpc.RetryInfo saying when to try again. Calls without a principal (health probes) are limited
/// by address. Then a gateway-wide concurrency limit protects the silos when many principals are busy at
/// once: past <see cref="GatewayOptions.MaxConcurrentCalls"/> calls in flight, a call waits in a queue of
/// <see cref="GatewayOptions.ConcurrentCallQueue"/>; past that, it is RESOURCE_EXHAUSTED at once.
/// </summary>
internal sealed class RateLimitInterceptor : Interceptor, IDisposable
{
    private static readonly TimeSpan BusyRetry = TimeSpan.FromMilliseconds(100);
    private readonly PartitionedRateLimiter<string> _perPrincipal;
    private readonly ConcurrencyLimiter _inFlight;

    public RateLimitInterceptor(GatewayOptions options)
    {
        _perPrincipal = TokenBuckets.PerKey(options.RateLimitPerSecond, options.RateLimitBurst);
        _inFlight = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrentCalls,
            QueueLimit = options.ConcurrentCallQueue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var http = context.GetHttpContext();
        var key = http.User.FindFirst(CustodianClaims.Subject)?.Value is { } principal
            ? "principal:" + principal
            : "address:" + http.Connection.RemoteIpAddress;
        using (var lease = _perPrincipal.AttemptAcquire(key))
        {
            if (!lease.IsAcquired)
            {
                throw Throttling.Exception("Too many calls from this principal", lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1));
            }
        }

        using var slot = await _inFlight.AcquireAsync(1, context.CancellationToken);
        if (!slot.IsAcquired)
        {
            throw Throttling.Exception("The gateway is at its limit of calls in flight", BusyRetry);
        }

        return await continuation(request, context);
    }

    public void Dispose()
    {
        _perPrincipal.Dispose();
        _inFlight.Dispose();
    }
}
