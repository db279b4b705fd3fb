using Custodian.Gateway.Routing;
using Custodian.Storage;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Custodian.Gateway;

/// <summary>
/// Maps failures behind a call to gRPC statuses: a refused stored state is DATA_LOSS, a region that
/// refuses the tenant (it moved) or an unreachable cluster UNAVAILABLE naming the region, an operation
/// the region's silos do not implement yet UNIMPLEMENTED, anything else INTERNAL without details. No
/// exception text (which could echo input) reaches the caller, but the placement messages, which name
/// tenants and regions only.
/// </summary>
internal sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception e) when (Find<StoredStateIntegrityException>(e) is { } integrity)
        {
            LogRefused(logger, context.Method);
            throw new RpcException(new Status(StatusCode.DataLoss, integrity.Finding.Length == 0
                ? "The stored record failed its integrity check and was not returned; the stored copy is unchanged."
                : $"The stored record was refused: {integrity.Finding}. Nothing was returned and the stored copies are unchanged; an officer's `custodian regions resync` repairs it where the other region holds an authentic newer copy."));
        }
        catch (Exception e) when (Find<RegionFencedException>(e) is { } fenced)
        {
            // Names a tenant and regions only; the client moves to another gateway or retries.
            LogFenced(logger, context.Method, fenced.Message);
            throw new RpcException(new Status(StatusCode.Unavailable, fenced.Message));
        }
        catch (RegionUnavailableException e)
        {
            LogRegionUnavailable(logger, context.Method, e.Region ?? "-", e.InnerException?.GetType().Name ?? "no route");
            throw new RpcException(new Status(StatusCode.Unavailable, e.Message));
        }
        catch (Exception e) when (RegionUnavailableException.IsUnreachable(e))
        {
            LogUnavailable(logger, context.Method, e.GetType().Name);
            throw new RpcException(new Status(StatusCode.Unavailable, "The region's cluster is not reachable right now; retry later."));
        }
        catch (NotImplementedException)
        {
            LogUnimplemented(logger, context.Method);
            throw new RpcException(new Status(StatusCode.Unimplemented, "This operation is not available in this region's cluster yet."));
        }
        catch (Exception e)
        {
            LogFailed(logger, context.Method, e);
            throw new RpcException(new Status(StatusCode.Internal, "The call failed on the server."));
        }
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    [LoggerMessage(3101, LogLevel.Error, "{Method}: a stored state failed its integrity check")]
    private static partial void LogRefused(ILogger logger, string method);

    [LoggerMessage(3104, LogLevel.Warning, "{Method}: refused by region placement: {Reason}")]
    private static partial void LogFenced(ILogger logger, string method, string reason);

    [LoggerMessage(3102, LogLevel.Warning, "{Method}: cluster unavailable ({Error})")]
    private static partial void LogUnavailable(ILogger logger, string method, string error);

    [LoggerMessage(3105, LogLevel.Warning, "{Method}: region {Region} unavailable ({Error})")]
    private static partial void LogRegionUnavailable(ILogger logger, string method, string region, string error);

    [LoggerMessage(3106, LogLevel.Warning, "{Method}: not implemented by the region's cluster")]
    private static partial void LogUnimplemented(ILogger logger, string method);

    [LoggerMessage(3103, LogLevel.Error, "{Method} failed")]
    private static partial void LogFailed(ILogger logger, string method, Exception exception);
}
