using System.Text.Json;
using Orleans.Storage;

namespace Custodian.Silo.Storage;

/// <summary>
/// How the inner storage writes an <see cref="EncryptedEnvelope"/>: plain JSON
/// (<c>{"format":1,"keyId":…,"nonce":…,"ciphertext":…,"tag":…}</c>, byte fields in base64),
/// with no type names in it. It serialises nothing else: only envelopes ever reach the inner store.
/// </summary>
public sealed class EnvelopeSerializer : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public BinaryData Serialize<T>(T? input) => input is EncryptedEnvelope envelope
        ? BinaryData.FromObjectAsJson(envelope, Json)
        : throw new NotSupportedException($"The secure storage's inner store holds envelopes only, not {typeof(T).Name}.");

    /// <summary>The envelope in a state row's JSON (as <see cref="Regions.TableRows.EnvelopeOf"/> reads it), or null when it is none.</summary>
    public static EncryptedEnvelope? Read(System.Text.Json.Nodes.JsonNode? json)
    {
        try
        {
            return json?.Deserialize<EncryptedEnvelope>(Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public T Deserialize<T>(BinaryData input) => typeof(T) == typeof(EncryptedEnvelope)
        ? input.ToObjectFromJson<T>(Json)!
        : throw new NotSupportedException($"The secure storage's inner store holds envelopes only, not {typeof(T).Name}.");
}
