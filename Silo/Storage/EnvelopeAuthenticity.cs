using Custodian.Hosting;

namespace Custodian.Silo.Storage;

/// <summary>
/// Whether a stored envelope is authentic for the grain and state it is read as: a tombstone whose MAC holds, or a
/// sealed state that opens under the grain's data key here. The one check the encrypting storage, the replica and a
/// resync share; <paramref name="acceptUnstamped"/> is <see cref="SecureStorageOptions.ReadUnstampedEnvelopes"/>.
/// </summary>
public sealed class EnvelopeAuthenticity(DataKeyStore keys, AuditKeys integrity, string serviceId, bool acceptUnstamped)
{
    /// <summary>With the grain's data key at hand (null: it has none).</summary>
    public bool IsAuthentic(EncryptedEnvelope envelope, DataKey? key, string grainId, string stateName) => envelope.Erased is not null
        ? EnvelopeCipher.IsAuthenticTombstone(envelope, integrity, serviceId, grainId, stateName, acceptUnstamped)
        : key is not null && EnvelopeCipher.Opens(envelope, key, serviceId, grainId, stateName, acceptUnstamped);

    /// <summary>Looking the grain's data key up when the envelope is a sealed state (the key is zeroed after).</summary>
    public async Task<bool> IsAuthenticAsync(EncryptedEnvelope envelope, string grainId, string stateName)
    {
        if (envelope.Erased is not null)
        {
            return IsAuthentic(envelope, null, grainId, stateName);
        }

        if (await keys.FindAsync(grainId) is not { } key)
        {
            return false;
        }

        try
        {
            return IsAuthentic(envelope, key, grainId, stateName);
        }
        finally
        {
            key.Destroy();
        }
    }
}
