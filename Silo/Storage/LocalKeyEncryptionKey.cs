using System.Security.Cryptography;
using System.Text;
using Azure.Core.Cryptography;

namespace Custodian.Silo.Storage;

/// <summary>
/// One version of a local key-encryption key: wraps data keys with AES-256-GCM
/// (nonce ‖ ciphertext ‖ tag, the key id as associated data). A hosted key vault replaces it
/// through the same <see cref="IKeyEncryptionKey"/> seam.
/// </summary>
public sealed class LocalKeyEncryptionKey : IKeyEncryptionKey
{
    /// <summary>The wrapping algorithm this key implements.</summary>
    public const string Algorithm = "A256GCM";

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    /// <summary>Creates a key version from its 32-byte material.</summary>
    public LocalKeyEncryptionKey(string keyId, byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("A key-encryption key is 32 bytes.", nameof(key));
        }

        KeyId = keyId;
        _key = key;
    }

    /// <inheritdoc/>
    public string KeyId { get; }

    /// <inheritdoc/>
    public byte[] WrapKey(string algorithm, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        CheckAlgorithm(algorithm);
        var wrapped = new byte[NonceSize + key.Length + TagSize];
        var nonce = wrapped.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, key.Span, wrapped.AsSpan(NonceSize, key.Length), wrapped.AsSpan(NonceSize + key.Length), Encoding.UTF8.GetBytes(KeyId));
        return wrapped;
    }

    /// <inheritdoc/>
    public byte[] UnwrapKey(string algorithm, ReadOnlyMemory<byte> encryptedKey, CancellationToken cancellationToken = default)
    {
        CheckAlgorithm(algorithm);
        var wrapped = encryptedKey.Span;
        if (wrapped.Length <= NonceSize + TagSize)
        {
            throw new CryptographicException("The wrapped key is too short.");
        }

        var key = new byte[wrapped.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(wrapped[..NonceSize], wrapped[NonceSize..^TagSize], wrapped[^TagSize..], key, Encoding.UTF8.GetBytes(KeyId));
        return key;
    }

    /// <inheritdoc/>
    public Task<byte[]> WrapKeyAsync(string algorithm, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default) =>
        Task.FromResult(WrapKey(algorithm, key, cancellationToken));

    /// <inheritdoc/>
    public Task<byte[]> UnwrapKeyAsync(string algorithm, ReadOnlyMemory<byte> encryptedKey, CancellationToken cancellationToken = default) =>
        Task.FromResult(UnwrapKey(algorithm, encryptedKey, cancellationToken));

    /// <inheritdoc/>
    public override string ToString() => $"LocalKeyEncryptionKey {{ KeyId = {KeyId} }}";

    private static void CheckAlgorithm(string algorithm)
    {
        if (algorithm != Algorithm)
        {
            throw new NotSupportedException($"Local key-encryption keys wrap with {Algorithm} only, not {algorithm}.");
        }
    }
}
