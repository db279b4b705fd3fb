using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Custodian.Gateway.Access;

/// <summary>RESOURCE_EXHAUSTED answers with a <c>google.rpc.RetryInfo</c> saying when to try again.</summary>
internal static class Throttling
{
    /// <summary>The status: <paramref name="what"/> and the wait, as a message and as RetryInfo.</summary>
    public static Google.Rpc.Status Status(string what, TimeSpan retryAfter)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.ResourceExhausted,
            Message = $"{what}; retry in {Math.Ceiling(retryAfter.TotalMilliseconds)} ms.",
        };
        status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }));
        return status;
    }

    /// <summary>The status as an exception, for code inside a gRPC call.</summary>
    public static RpcException Exception(string what, TimeSpan retryAfter) => Status(what, retryAfter).ToRpcException();

    /// <summary>
    /// Answers a call that never reached its gRPC handler (refused by the authorization middleware) with
    /// the status, trailers-only, as a gRPC server does.
    /// </summary>
    public static Task WriteAsync(HttpContext http, string what, TimeSpan retryAfter)
    {
        var status = Status(what, retryAfter);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/grpc";
        http.Response.Headers["grpc-status"] = status.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["grpc-message"] = Uri.EscapeDataString(status.Message);
        http.Response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
        return http.Response.CompleteAsync();
    }
}
