using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Custodian.Silo.Storage;

/// <summary>Seals and opens grain states with AES-256-GCM under the grain's data key.</summary>
public static class EnvelopeCipher
{
    /// <summary>The envelope format written now.</summary>
    public const int FormatVersion = 1;

    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Encrypts <paramref name="plaintext"/> into a new envelope with a fresh random nonce.</summary>
    public static EncryptedEnvelope Seal(ReadOnlySpan<byte> plaintext, DataKey key, string serviceId, string grainId, string stateName)
    {
        var envelope = new EncryptedEnvelope
        {
            Format = FormatVersion,
            Grain = grainId,
            KeyId = key.KeyId,
            Nonce = RandomNumberGenerator.GetBytes(NonceSize),
            Ciphertext = new byte[plaintext.Length],
            Tag = new byte[TagSize],
        };
        using var aes = new AesGcm(key.Material, TagSize);
        aes.Encrypt(envelope.Nonce, plaintext, envelope.Ciphertext, envelope.Tag,
            AssociatedData(envelope.Format, envelope.KeyId, serviceId, grainId, stateName));
        return envelope;
    }

    /// <summary>
    /// Decrypts an envelope. Throws <see cref="CryptographicException"/> when anything in it, or the
    /// grain or state it is read for, differs from what was sealed.
    /// </summary>
    public static byte[] Open(EncryptedEnvelope envelope, DataKey key, string serviceId, string grainId, string stateName)
    {
        if (envelope.Format != FormatVersion)
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
        aes.Decrypt(envelope.Nonce, envelope.Ciphertext, envelope.Tag, plaintext,
            AssociatedData(envelope.Format, envelope.KeyId, serviceId, grainId, stateName));
        return plaintext;
    }

    /// <summary>Length-prefixed UTF-8 of format, key id, service id, grain id and state name.</summary>
    private static byte[] AssociatedData(int format, string keyId, string serviceId, string grainId, string stateName)
    {
        string[] parts = ["custodian-envelope", format.ToString(System.Globalization.CultureInfo.InvariantCulture), keyId, serviceId, grainId, stateName];
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
