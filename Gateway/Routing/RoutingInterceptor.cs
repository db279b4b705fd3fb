using Custodian.Storage;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Custodian.Gateway.Routing;

/// <summary>
/// Gives every call its <see cref="GatewayCall"/> (the tenant and region its request names, which decide where
/// its grain calls and its audit records go), and handles what routing meets: when a writer refuses the call
/// (<see cref="RegionFencedException"/>: the tenant moved) the tenants' placements are re-read before the
/// caller is answered, so that its retry goes to the new writer — the call itself is never replayed here; when
/// a region's cluster does not answer, the failure names that region. The <see cref="ErrorInterceptor"/> around
/// it maps both to UNAVAILABLE.
/// </summary>
internal sealed class RoutingInterceptor(RegionRouter router) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var call = GatewayCall.Begin(request as IMessage);
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException && Fenced(e))
        {
            await router.RefreshAsync(call.RoutedTenants, context.CancellationToken);
            throw;
        }
        catch (Exception e) when (RegionUnavailableException.IsUnreachable(e) && call.LastRegion is { } region)
        {
            throw new RegionUnavailableException(region, $"The cluster of region {region} is not reachable right now; retry later.", e);
        }
    }

    private static bool Fenced(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is RegionFencedException)
            {
                return true;
            }
        }

        return false;
    }
}
