using Grpc.Core;
using Grpc.Net.Client;

namespace Custodian.Client;

/// <summary>
/// Calls over several gateways, tried in order: a unary call that fails with <c>UNAVAILABLE</c> (the gateway, its region
/// or the connection is down, or the tenant is written elsewhere; gRPC's retries on that gateway exhausted) goes to the
/// next gateway, once each, and later calls start with the one that answered. Any other status is the answer: a refusal
/// is not sent on. Each gateway's channel retries on its own first (<see cref="GatewayServiceConfig"/>). Streaming calls
/// (Custodian has none today) go to the current gateway without failover.
/// </summary>
internal sealed class FailoverCallInvoker : CallInvoker, IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly Uri[] _endpoints;
    private readonly Action<GatewayFailover> _notify;
    private int _current;

    public FailoverCallInvoker(IReadOnlyList<(Uri Endpoint, GrpcChannel Channel)> gateways, Action<GatewayFailover> notify)
    {
        if (gateways.Count == 0)
        {
            throw new ArgumentException("At least one gateway is needed.", nameof(gateways));
        }

        _endpoints = [.. gateways.Select(g => g.Endpoint)];
        _channels = [.. gateways.Select(g => g.Channel)];
        _notify = notify;
    }

    /// <summary>The gateway the next call starts with.</summary>
    public Uri Current => _endpoints[Volatile.Read(ref _current)];

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = CallAsync(method, host, options, request);
        return new AsyncUnaryCall<TResponse>(call, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        AsyncUnaryCall(method, host, options, request).ResponseAsync.GetAwaiter().GetResult();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        CurrentInvoker().AsyncServerStreamingCall(method, host, options, request);

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        CurrentInvoker().AsyncClientStreamingCall(method, host, options);

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        CurrentInvoker().AsyncDuplexStreamingCall(method, host, options);

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private CallInvoker CurrentInvoker() => _channels[Volatile.Read(ref _current)].CreateCallInvoker();

    private async Task<TResponse> CallAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        where TRequest : class
        where TResponse : class
    {
        var start = Volatile.Read(ref _current);
        for (var tried = 0; ; tried++)
        {
            var index = (start + tried) % _channels.Length;
            try
            {
                var response = await _channels[index].CreateCallInvoker().AsyncUnaryCall(method, host, options, request);
                Volatile.Write(ref _current, index);
                return response;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && tried + 1 < _channels.Length && !options.CancellationToken.IsCancellationRequested)
            {
                _notify(new GatewayFailover(_endpoints[index], _endpoints[(index + 1) % _channels.Length], e.Status));
            }
        }
    }
}
