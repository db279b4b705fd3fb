using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Custodian.Client;

/// <summary>
/// What every call gets before it is sent, and so keeps across retries and failovers: the default deadline when it has
/// none, and on a write an <see cref="IdempotencyKey"/> unless the caller gave one. The caller's headers are copied,
/// never changed, so reusing them for another write does not reuse its key.
/// </summary>
internal sealed class CallDefaults(TimeSpan? timeout) : Interceptor
{
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Prepare(context));

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Prepare(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Prepare(context));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(Prepare(context));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(Prepare(context));

    private ClientInterceptorContext<TRequest, TResponse> Prepare<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        var options = context.Options;
        if (options.Deadline is null && timeout is { } after)
        {
            options = options.WithDeadline(DateTime.UtcNow.Add(after));
        }

        if (CustodianMethods.IsWrite(context.Method) && IdempotencyKey.In(options.Headers) is null)
        {
            var headers = new Metadata();
            foreach (var entry in options.Headers ?? [])
            {
                headers.Add(entry);
            }

            headers.Add(IdempotencyKey.HeaderName, IdempotencyKey.New());
            options = options.WithHeaders(headers);
        }

        return ReferenceEquals(options.Headers, context.Options.Headers) && options.Deadline == context.Options.Deadline
            ? context
            : new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options);
    }
}
