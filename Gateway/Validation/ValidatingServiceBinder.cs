using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Custodian.Gateway.Validation;

/// <summary>
/// The binder a service's generated <c>BindService</c> adds its methods to: each method is added to the
/// endpoint model as grpc-dotnet's own binder adds it — the overriding handler on
/// <typeparamref name="TService"/>, the service's and then the handler's attributes as endpoint metadata
/// (so <c>[Authorize]</c> and <c>[Performs]</c> stay visible), POST only — except that its request
/// marshaller is a <see cref="ValidatingMarshaller{T}"/>.
/// </summary>
/// <typeparam name="TService">The service implementation.</typeparam>
internal sealed class ValidatingServiceBinder<TService>(ServiceMethodProviderContext<TService> context, Type declaringType, ILogger logger) : ServiceBinderBase
    where TService : class
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        context.AddUnaryMethod(Validating(method), Metadata(method, out var handlerMethod, typeof(TRequest), typeof(ServerCallContext)),
            handlerMethod.CreateDelegate<UnaryServerMethod<TService, TRequest, TResponse>>());

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        context.AddServerStreamingMethod(Validating(method), Metadata(method, out var handlerMethod, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
            handlerMethod.CreateDelegate<ServerStreamingServerMethod<TService, TRequest, TResponse>>());

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        context.AddClientStreamingMethod(Validating(method), Metadata(method, out var handlerMethod, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)),
            handlerMethod.CreateDelegate<ClientStreamingServerMethod<TService, TRequest, TResponse>>());

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        context.AddDuplexStreamingMethod(Validating(method), Metadata(method, out var handlerMethod, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
            handlerMethod.CreateDelegate<DuplexStreamingServerMethod<TService, TRequest, TResponse>>());

    /// <summary>The same method (type, service, name, response marshaller) reading its request through a <see cref="ValidatingMarshaller{T}"/>.</summary>
    private Method<TRequest, TResponse> Validating<TRequest, TResponse>(Method<TRequest, TResponse> method) =>
        new(method.Type, method.ServiceName, method.Name, new ValidatingMarshaller<TRequest>(method.RequestMarshaller, method.FullName, logger), method.ResponseMarshaller);

    /// <summary>
    /// The endpoint metadata of the method's handler, in grpc-dotnet's order: the service type's attributes
    /// first (lower priority), then the handler's, then POST as the only HTTP method.
    /// </summary>
    private List<object> Metadata(IMethod method, out MethodInfo handler, params Type[] parameters)
    {
        handler = Handler(method.Name, parameters)
            ?? throw new InvalidOperationException($"Could not find '{method.Name}' on {typeof(TService)}.");
        List<object> metadata = [.. typeof(TService).GetCustomAttributes(inherit: true), .. handler.GetCustomAttributes(inherit: true)];
        metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
        return metadata;
    }

    /// <summary>
    /// The public instance method of <typeparamref name="TService"/> that overrides the generated base's
    /// <paramref name="name"/> (a method of the same name that only hides it is skipped); null when the
    /// service does not implement it, as grpc-dotnet's binder requires it to.
    /// </summary>
    private MethodInfo? Handler(string name, Type[] parameters)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            var candidate = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, binder: null, parameters, modifiers: null);
            if (candidate is null)
            {
                return null;
            }

            if (candidate.IsVirtual && candidate.GetBaseDefinition().DeclaringType == declaringType)
            {
                return candidate;
            }
        }

        return null;
    }
}
