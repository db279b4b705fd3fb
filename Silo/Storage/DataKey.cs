using System.Security.Cryptography;

namespace Custodian.Silo.Storage;

/// <summary>
/// A grain's unwrapped data-encryption key. Never logged or serialised; <see cref="ToString"/>
/// shows the id only, and <see cref="Destroy"/> zeroes the material.
/// </summary>
public sealed class DataKey(string keyId, byte[] material)
{
    /// <summary>Key size in bytes (AES-256).</summary>
    public const int Size = 32;

    /// <summary>The key's id, stored in every envelope it seals.</summary>
    public string KeyId { get; } = keyId;

    /// <summary>The raw key; valid until <see cref="Destroy"/>.</summary>
    internal byte[] Material { get; } = material;

    /// <summary>Overwrites the key material with zeros.</summary>
    public void Destroy() => CryptographicOperations.ZeroMemory(Material);

    /// <inheritdoc/>
    public override string ToString() => $"DataKey {{ KeyId = {KeyId} }}";
}
