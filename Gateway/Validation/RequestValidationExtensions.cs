using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Custodian.Gateway.Validation;

/// <summary>Registers the checks every gRPC request passes before its handler: well-formed, and not over the size limit.</summary>
public static class RequestValidationExtensions
{
    /// <summary>
    /// Replaces grpc-dotnet's binder method provider with <see cref="ValidatingServiceMethodProvider{TService}"/>,
    /// so that every method of every mapped service answers bytes that are not its request message with
    /// INVALID_ARGUMENT; and has every request compression provider decompress through a
    /// <see cref="BoundedDecompressionStream"/> (undecodable data INVALID_ARGUMENT, more than the size
    /// limit once decompressed RESOURCE_EXHAUSTED). Chain it right after <c>AddGrpc</c>. Fails at start-up if grpc-dotnet no longer
    /// registers the provider it replaces, rather than mapping every method twice.
    /// </summary>
    public static IGrpcServerBuilder AddRequestValidation(this IGrpcServerBuilder grpc)
    {
        var binder = grpc.Services.SingleOrDefault(d => d.ServiceType == typeof(IServiceMethodProvider<>)
                && d.ImplementationType is { } type && type.Assembly == typeof(GrpcServiceOptions).Assembly && type.Name == "BinderServiceMethodProvider`1")
            ?? throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider<> is not registered; AddRequestValidation must follow AddGrpc and be checked against this version of Grpc.AspNetCore.Server.");
        grpc.Services.Remove(binder);
        grpc.Services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(ValidatingServiceMethodProvider<>)));

        // After every Configure, grpc-dotnet's defaults (gzip, deflate) included.
        grpc.Services.PostConfigure<GrpcServiceOptions>(o =>
        {
            var limit = o.MaxReceiveMessageSize ?? int.MaxValue;
            for (var i = 0; i < o.CompressionProviders.Count; i++)
            {
                if (o.CompressionProviders[i] is not BoundedCompressionProvider)
                {
                    o.CompressionProviders[i] = new BoundedCompressionProvider(o.CompressionProviders[i], limit);
                }
            }
        });
        return grpc;
    }

    /// <summary>Adds <see cref="MessageSizeLimit"/>: call it after <c>UseAuthorization</c>, before the endpoints.</summary>
    public static IApplicationBuilder UseMessageSizeLimit(this IApplicationBuilder app) => app.UseMiddleware<MessageSizeLimit>();
}
