using Custodian.Gateway.Routing;
using Grpc.Core;

namespace Custodian.Gateway.Audit;

/// <summary>The answer to a call whose audit record could not be stored: UNAVAILABLE, nothing was done (fail closed).</summary>
internal static class AuditUnavailable
{
    private const string Refused = "The audit trail cannot record this call right now, so nothing was done; retry later.";

    /// <summary>UNAVAILABLE for a call whose record the trail did not take because of <paramref name="cause"/>, naming the region when one was unreachable.</summary>
    public static RpcException Exception(Exception cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
        {
            if (e is RegionUnavailableException unreachable)
            {
                return new RpcException(new Status(StatusCode.Unavailable, $"{Refused} {unreachable.Message}"));
            }
        }

        return new RpcException(new Status(StatusCode.Unavailable, Refused));
    }
}
