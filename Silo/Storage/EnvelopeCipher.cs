using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Custodian.Hosting;

namespace Custodian.Silo.Storage;

/// <summary>
/// Seals and opens grain states with AES-256-GCM under the grain's data key, and makes and checks
/// tombstones, whose MAC is under the integrity key of <see cref="AuditKeys"/>: neither can be made, moved
/// or given another stamp by someone who holds only the storage account.
/// </summary>
public static class EnvelopeCipher
{
    /// <summary>The envelope format written now: 2 binds the stamp (epoch, version, writer) into the associated data.</summary>
    public const int FormatVersion = 2;

    /// <summary>The format before it: its associated data has no stamp, its tombstones no MAC (read only when allowed).</summary>
    public const int UnstampedFormat = 1;

    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Encrypts <paramref name="plaintext"/> into a new envelope with a fresh random nonce, stamped with <paramref name="stamp"/>.</summary>
    public static EncryptedEnvelope Seal(ReadOnlySpan<byte> plaintext, DataKey key, string serviceId, string grainId, string stateName, EnvelopeStamp stamp)
    {
        var envelope = new EncryptedEnvelope
        {
            Format = FormatVersion,
            Grain = grainId,
            KeyId = key.KeyId,
            Nonce = RandomNumberGenerator.GetBytes(NonceSize),
            Ciphertext = new byte[plaintext.Length],
            Tag = new byte[TagSize],
            Epoch = stamp.Epoch,
            Version = stamp.Version,
            Writer = stamp.Writer,
        };
        using var aes = new AesGcm(key.Material, TagSize);
        aes.Encrypt(envelope.Nonce, plaintext, envelope.Ciphertext, envelope.Tag, AssociatedData(envelope, serviceId, grainId, stateName));
        return envelope;
    }

    /// <summary>
    /// Decrypts an envelope. Throws <see cref="CryptographicException"/> when anything in it (its stamp included),
    /// or the grain or state it is read for, differs from what was sealed. <paramref name="unstamped"/> admits
    /// format 1 (see <see cref="SecureStorageOptions.ReadUnstampedEnvelopes"/>).
    /// </summary>
    public static byte[] Open(EncryptedEnvelope envelope, DataKey key, string serviceId, string grainId, string stateName, bool unstamped = false)
    {
        if (envelope.Format != FormatVersion && !(unstamped && envelope.Format == UnstampedFormat))
        {
            throw new CryptographicException($"Unknown envelope format {envelope.Format}.");
        }

        if (envelope.Nonce.Length != NonceSize || envelope.Tag.Length != TagSize)
        {
            throw new CryptographicException("The envelope's nonce or tag has the wrong length.");
        }

        if (envelope.KeyId != key.KeyId)
        {
            throw new CryptographicException("The envelope was sealed with another data key.");
        }

        if (envelope.Grain != grainId)
        {
            throw new CryptographicException("The envelope names another grain.");
        }

        var plaintext = new byte[envelope.Ciphertext.Length];
        using var aes = new AesGcm(key.Material, TagSize);
        aes.Decrypt(envelope.Nonce, envelope.Ciphertext, envelope.Tag, plaintext, AssociatedData(envelope, serviceId, grainId, stateName));
        return plaintext;
    }

    /// <summary>Whether the envelope opens under <paramref name="key"/> for this grain and state (the plaintext is zeroed at once).</summary>
    public static bool Opens(EncryptedEnvelope envelope, DataKey key, string serviceId, string grainId, string stateName, bool unstamped = false)
    {
        try
        {
            CryptographicOperations.ZeroMemory(Open(envelope, key, serviceId, grainId, stateName, unstamped));
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The tombstone of a shredded state: no ciphertext, the erasure's time and receipt, and their MAC.</summary>
    public static EncryptedEnvelope Tombstone(AuditKeys keys, string serviceId, string grainId, string stateName, EnvelopeStamp stamp, DateTimeOffset at, string receiptId)
    {
        var tombstone = new EncryptedEnvelope
        {
            Format = FormatVersion,
            Grain = grainId,
            Epoch = stamp.Epoch,
            Version = stamp.Version,
            Writer = stamp.Writer,
            Erased = new ErasedMarker { At = at, ReceiptId = receiptId },
        };
        tombstone.Mac = keys.Authenticate("tombstone", TombstoneFields(tombstone, serviceId, grainId, stateName));
        return tombstone;
    }

    /// <summary>
    /// Whether a tombstone's MAC is the one <see cref="Tombstone"/> makes for this grain and state, with nothing in it
    /// changed; with <paramref name="unstamped"/>, a format-1 tombstone (which has none) passes too.
    /// </summary>
    public static bool IsAuthenticTombstone(EncryptedEnvelope tombstone, AuditKeys keys, string serviceId, string grainId, string stateName, bool unstamped = false) =>
        tombstone.Erased is not null
        && tombstone.Ciphertext.Length == 0
        && tombstone.Grain == grainId
        && (tombstone.Format == FormatVersion
            ? keys.IsAuthentic(tombstone.Mac, "tombstone", TombstoneFields(tombstone, serviceId, grainId, stateName))
            : unstamped && tombstone.Format == UnstampedFormat);

    private static string[] TombstoneFields(EncryptedEnvelope tombstone, string serviceId, string grainId, string stateName) =>
    [
        tombstone.Format.ToString(CultureInfo.InvariantCulture), serviceId, grainId, stateName,
        tombstone.Epoch.ToString(CultureInfo.InvariantCulture), tombstone.Version.ToString(CultureInfo.InvariantCulture), tombstone.Writer,
        tombstone.Erased!.At.UtcTicks.ToString(CultureInfo.InvariantCulture), tombstone.Erased.ReceiptId,
    ];

    /// <summary>Length-prefixed UTF-8 of format, key id, service id, grain id, state name, and (format 2) epoch, version and writer.</summary>
    private static byte[] AssociatedData(EncryptedEnvelope envelope, string serviceId, string grainId, string stateName)
    {
        string[] parts = envelope.Format == UnstampedFormat
            ? ["custodian-envelope", envelope.Format.ToString(CultureInfo.InvariantCulture), envelope.KeyId, serviceId, grainId, stateName]
            :
            [
                "custodian-envelope", envelope.Format.ToString(CultureInfo.InvariantCulture), envelope.KeyId, serviceId, grainId, stateName,
                envelope.Epoch.ToString(CultureInfo.InvariantCulture), envelope.Version.ToString(CultureInfo.InvariantCulture), envelope.Writer,
            ];
        var buffer = new byte[parts.Sum(p => 4 + Encoding.UTF8.GetByteCount(p))];
        var offset = 0;
        foreach (var part in parts)
        {
            var written = Encoding.UTF8.GetBytes(part, buffer.AsSpan(offset + 4));
            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(offset), written);
            offset += 4 + written;
        }

        return buffer;
    }
}
