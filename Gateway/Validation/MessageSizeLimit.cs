using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Pipelines;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Custodian.Gateway.Validation;

/// <summary>
/// Refuses a gRPC request whose message is larger than <see cref="GrpcServiceOptions.MaxReceiveMessageSize"/>
/// with RESOURCE_EXHAUSTED naming the limit, from the length in the message's 5-byte gRPC frame header and
/// before the message is read. grpc-dotnet enforces the same limit but answers without naming it; this
/// runs first, after authentication and authorization, so an unauthenticated call is still UNAUTHENTICATED.
/// </summary>
/// <remarks>
/// Only methods that take one request message are checked (unary and server streaming: a request body
/// read here would stop grpc-dotnet lifting Kestrel's body size limit for a client stream), and only the
/// header is peeked at: the body is left unconsumed for the gRPC handler. grpc-dotnet's own check of the
/// same limit stays in place behind this one, for the messages of client streams.
/// </remarks>
public sealed class MessageSizeLimit(RequestDelegate next, IOptions<GrpcServiceOptions> options, ILogger<MessageSizeLimit> logger)
{
    /// <summary>A gRPC frame header: a compressed flag and the message length, 4 bytes big-endian.</summary>
    private const int HeaderSize = 5;

    public async Task InvokeAsync(HttpContext http)
    {
        if (options.Value.MaxReceiveMessageSize is { } limit
            && http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is { Method.Type: MethodType.Unary or MethodType.ServerStreaming } grpc
            && await DeclaredLengthAsync(http.Request.BodyReader, http.RequestAborted) is { } length
            && length > limit)
        {
            ValidationLog.OversizedRequest(logger, grpc.Method.FullName, length, limit);
            Refuse(http.Response, Refusal(length, limit));
            return;
        }

        await next(http);
    }

    /// <summary>What a caller is told: the size of its message and the limit, in bytes.</summary>
    public static string Refusal(long length, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"The request message is {length} bytes; the gateway accepts request messages of at most {limit} bytes.");

    /// <summary>The length the first frame header declares, or null when the body ends before a whole header.</summary>
    private static async ValueTask<long?> DeclaredLengthAsync(PipeReader body, CancellationToken aborted)
    {
        var read = await body.ReadAtLeastAsync(HeaderSize, aborted);
        var length = Length(read.Buffer);
        body.AdvanceTo(read.Buffer.Start); // consumed and examined nothing: the handler reads it all again
        return length;
    }

    private static long? Length(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < HeaderSize)
        {
            return null;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        return BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
    }

    /// <summary>
    /// A trailers-only gRPC response, as grpc-dotnet writes one for an error before any message: HTTP 200,
    /// the status in the headers. The message is plain ASCII without '%', so it needs no percent-encoding.
    /// </summary>
    private static void Refuse(HttpResponse response, string message)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)StatusCode.ResourceExhausted).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = message;
    }
}
