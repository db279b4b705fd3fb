using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Custodian.Gateway.Validation;

/// <summary>
/// Discovers the methods of every gRPC service the gateway maps — the Custodian services, health and
/// reflection alike — from the service's generated <c>BindService</c>, as grpc-dotnet's own binder
/// provider does, and adds each one with a <see cref="ValidatingMarshaller{T}"/> as its request
/// marshaller. It replaces that provider (see <see cref="RequestValidationExtensions.AddRequestValidation"/>),
/// so there is one path by which a method becomes an endpoint, and a method or service added later
/// cannot miss the validation.
/// </summary>
/// <remarks>
/// grpc-dotnet deserializes the request before any interceptor runs, and turns an exception there into
/// UNKNOWN; the marshaller is the one place that sees a parse failure.
/// </remarks>
/// <typeparam name="TService">The service implementation being mapped.</typeparam>
public sealed class ValidatingServiceMethodProvider<TService>(ILoggerFactory loggers) : IServiceMethodProvider<TService>
    where TService : class
{
    private readonly ILogger _logger = loggers.CreateLogger("Custodian.Gateway.Validation.RequestValidation");

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var bind = BindMethod(typeof(TService))
            ?? throw new InvalidOperationException($"{typeof(TService)} has no generated BindService method ([BindServiceMethod] on its base); its requests could not be validated, so it is not mapped.");

        // BindService(ServiceBinderBase, TServiceBase): a null instance makes it pass null handlers, and
        // the binder finds the overriding methods on TService itself.
        var binder = new ValidatingServiceBinder<TService>(context, bind.GetParameters()[1].ParameterType, _logger);
        bind.Invoke(null, [binder, null]);
    }

    /// <summary>The static <c>BindService(ServiceBinderBase, TServiceBase)</c> named by <see cref="BindServiceMethodAttribute"/> on the service's generated base.</summary>
    private static MethodInfo? BindMethod(Type service)
    {
        for (var type = service; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType.GetMethod(attribute.BindMethodName, BindingFlags.Public | BindingFlags.Static, binder: null, [typeof(ServiceBinderBase), type], modifiers: null);
            }
        }

        return null;
    }
}
