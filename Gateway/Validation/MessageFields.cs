using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Custodian.Gateway.Validation;

/// <summary>Reads a request's or response's fields by name, for what every call carries alike (its tenant, its target, its region).</summary>
internal static class MessageFields
{
    /// <summary>The value of <paramref name="message"/>'s top-level string field <paramref name="field"/>, or null when it has none or it is empty.</summary>
    public static string? Text(IMessage? message, string field) =>
        message?.Descriptor.FindFieldByName(field) is { FieldType: FieldType.String, IsRepeated: false } f
        && f.Accessor.GetValue(message) is string { Length: > 0 } value ? value : null;
}
