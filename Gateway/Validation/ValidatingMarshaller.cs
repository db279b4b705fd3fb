using System.Reflection;
using Custodian.Gateway.Services;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Custodian.Gateway.Validation;

/// <summary>
/// A request marshaller that reads the request with the method's own marshaller and turns any failure to
/// parse it — truncated bytes, a length past the end, invalid UTF-8 in a string, an invalid wire type,
/// a malformed varint, a stray group tag, a nested message that overruns — into INVALID_ARGUMENT with a
/// fixed sentence naming the message type. The caller's bytes and the parser's exception text never
/// reach the caller; the log gets the method and the exception's type only. A request that parses but
/// holds a timestamp or duration its type cannot represent (see <see cref="TimeFields"/>) is
/// INVALID_ARGUMENT too, naming the field, as handlers name theirs.
/// </summary>
/// <remarks>
/// Parsing is a pure function of the bytes the caller sent (grpc-dotnet hands the deserializer the whole
/// message, already read), so every exception it throws is the request's fault. Protobuf's own
/// <see cref="InvalidProtocolBufferException"/> is logged at Debug; any other exception type is
/// unexpected from a generated parser and logged at Warning, but still answered INVALID_ARGUMENT.
/// Serializing responses is left exactly as the inner marshaller does it.
/// </remarks>
/// <typeparam name="T">The request message type.</typeparam>
public sealed class ValidatingMarshaller<T> : Marshaller<T>
{
    /// <summary>Wraps <paramref name="inner"/>, the marshaller the method was generated with.</summary>
    /// <param name="inner">The method's own request marshaller.</param>
    /// <param name="method">The method's full name (<c>/package.Service/Method</c>), for the log.</param>
    /// <param name="logger">Where parse failures are logged (method and exception type, nothing of the request).</param>
    public ValidatingMarshaller(Marshaller<T> inner, string method, ILogger logger)
        : base(inner.ContextualSerializer, Rejecting(inner.ContextualDeserializer, method, MessageName(typeof(T)), logger))
    {
    }

    /// <summary>The protobuf full name of <paramref name="messageType"/> (from its generated descriptor), else its CLR name.</summary>
    public static string MessageName(Type messageType) => Descriptor(messageType)?.FullName ?? messageType.Name;

    private static MessageDescriptor? Descriptor(Type messageType) =>
        messageType.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MessageDescriptor;

    private static Func<DeserializationContext, T> Rejecting(Func<DeserializationContext, T> deserialize, string method, string messageName, ILogger logger)
    {
        var invalid = new Status(StatusCode.InvalidArgument, $"The request is not a valid {messageName} message.");
        var mayHoldTimes = Descriptor(typeof(T)) is { } descriptor && TimeFields.CanHoldTimes(descriptor);
        return context =>
        {
            T request;
            try
            {
                request = deserialize(context);
            }
            catch (InvalidProtocolBufferException e)
            {
                ValidationLog.MalformedRequest(logger, method, messageName, context.PayloadLength, e.GetType().Name);
                throw new RpcException(invalid);
            }
            catch (Exception e) when (e is not RpcException)
            {
                ValidationLog.UnexpectedParseFailure(logger, method, messageName, context.PayloadLength, e.GetType().FullName ?? e.GetType().Name);
                throw new RpcException(invalid);
            }

            if (mayHoldTimes && request is IMessage message && TimeFields.Violations(message) is { Count: > 0 } violations)
            {
                ValidationLog.InvalidTime(logger, method, string.Join(", ", violations.Select(v => v.Field)));
                RpcErrors.InvalidArgument(violations);
            }

            return request;
        };
    }
}
