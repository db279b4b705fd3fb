using Grpc.Core;
using Grpc.Net.Client;

namespace Custodian.Cli;

/// <summary>
/// A channel over several gateways, tried in order: a call that fails with <c>UNAVAILABLE</c> (the gateway,
/// its region or its connection is down, or the tenant is written elsewhere) goes to the next gateway, and
/// later calls start with the one that answered. Any other status is the answer. With one gateway it is
/// that gateway's channel. Unary calls only, which is every call the CLI makes.
/// </summary>
internal sealed class FailoverChannel : ChannelBase, IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly TextWriter? _notices;
    private int _current;

    public FailoverChannel(IReadOnlyList<GrpcChannel> channels, TextWriter? notices)
        : base(string.Join(",", channels.Select(c => c.Target)))
    {
        _channels = [.. channels];
        _notices = notices;
    }

    public override CallInvoker CreateCallInvoker() => new Invoker(this);

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private sealed class Invoker(FailoverChannel owner) : CallInvoker
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            var call = CallAsync(method, host, options, request);
            return new AsyncUnaryCall<TResponse>(call, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            AsyncUnaryCall(method, host, options, request).ResponseAsync.GetAwaiter().GetResult();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            owner._channels[owner._current].CreateCallInvoker().AsyncServerStreamingCall(method, host, options, request);

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            owner._channels[owner._current].CreateCallInvoker().AsyncClientStreamingCall(method, host, options);

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            owner._channels[owner._current].CreateCallInvoker().AsyncDuplexStreamingCall(method, host, options);

        private async Task<TResponse> CallAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
            where TRequest : class
            where TResponse : class
        {
            var start = Volatile.Read(ref owner._current);
            for (var tried = 0; ; tried++)
            {
                var index = (start + tried) % owner._channels.Length;
                try
                {
                    var response = await owner._channels[index].CreateCallInvoker().AsyncUnaryCall(method, host, options, request);
                    Volatile.Write(ref owner._current, index);
                    return response;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && tried + 1 < owner._channels.Length)
                {
                    var next = owner._channels[(index + 1) % owner._channels.Length];
                    if (owner._notices is not null)
                    {
                        await owner._notices.WriteLineAsync($"{owner._channels[index].Target} is unavailable ({e.Status.Detail}); trying {next.Target}");
                    }
                }
            }
        }
    }
}
