using System.Threading.RateLimiting;
using Custodian.Hosting;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Custodian.Gateway.Access;

/// <summary>
/// Per-principal token buckets: a principal over its rate gets RESOURCE_EXHAUSTED with a
/// google.rpc.RetryInfo saying when to try again. Unauthenticated calls are limited by address.
/// </summary>
internal sealed class RateLimitInterceptor : Interceptor, IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public RateLimitInterceptor(GatewayOptions options) =>
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.RateLimitBurst,
            TokensPerPeriod = options.RateLimitPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var http = context.GetHttpContext();
        var key = http.User.FindFirst(CustodianClaims.Subject)?.Value is { } principal
            ? "principal:" + principal
            : "address:" + http.Connection.RemoteIpAddress;
        using var lease = _limiter.AttemptAcquire(key);
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
            var status = new Google.Rpc.Status
            {
                Code = (int)Code.ResourceExhausted,
                Message = $"Too many calls from this principal; retry in {Math.Ceiling(retryAfter.TotalMilliseconds)} ms.",
            };
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }));
            throw status.ToRpcException();
        }

        return await continuation(request, context);
    }

    public void Dispose() => _limiter.Dispose();
}
