using System.Reflection;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Custodian.Tests.Gateway;

/// <summary>
/// Every method of every <c>custodian.*</c> service, from the descriptors generated from the gateway's protos
/// (compiled once, into the client library the gateway serves them from): a method or a proto file added later is in
/// the list without any test changing.
/// </summary>
public static class GatewayMethods
{
    /// <summary>The gateway's generated proto files (each <c>…Reflection.Descriptor</c> under <c>Custodian.Gateway.Protos</c>).</summary>
    public static IReadOnlyList<FileDescriptor> Files { get; } =
    [
        .. typeof(Custodian.Gateway.Protos.Subjects.Subjects.SubjectsBase).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Custodian.Gateway.Protos", StringComparison.Ordinal) == true && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
            .OfType<FileDescriptor>()
            .OrderBy(f => f.Name, StringComparer.Ordinal),
    ];

    /// <summary>Every method of every <c>custodian.*</c> service, in a stable order.</summary>
    public static IReadOnlyList<MethodDescriptor> All { get; } =
    [
        .. Files.SelectMany(f => f.Services)
            .Where(s => s.FullName.StartsWith("custodian.", StringComparison.Ordinal))
            .SelectMany(s => s.Methods),
    ];

    private static readonly Marshaller<byte[]> Bytes = new(b => b, b => b);

    /// <summary>
    /// Calls <paramref name="method"/> with <paramref name="request"/> as the raw bytes of its one request
    /// message, and returns the status and its detail (OK and "" for success). A streaming method gets the
    /// one message on a stream, which is the same on the wire.
    /// </summary>
    public static async Task<(StatusCode Status, string Detail)> CallAsync(CallInvoker invoker, MethodDescriptor method, byte[] request, TimeSpan deadline, Metadata? headers = null)
    {
        var streaming = method.IsClientStreaming || method.IsServerStreaming;
        var call = new Method<byte[], byte[]>(streaming ? MethodType.DuplexStreaming : MethodType.Unary, method.Service.FullName, method.Name, Bytes, Bytes);
        var options = new CallOptions(headers, DateTime.UtcNow.Add(deadline));
        try
        {
            if (!streaming)
            {
                await invoker.AsyncUnaryCall(call, null, options, request);
                return (StatusCode.OK, "");
            }

            using var stream = invoker.AsyncDuplexStreamingCall(call, null, options);
            await stream.RequestStream.WriteAsync(request);
            await stream.RequestStream.CompleteAsync();
            while (await stream.ResponseStream.MoveNext(CancellationToken.None))
            {
            }

            return (StatusCode.OK, "");
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.Status.Detail);
        }
    }
}
