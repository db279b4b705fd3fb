using Azure.Core.Cryptography;

namespace Custodian.Silo.Storage;

/// <summary>
/// A region's versioned key-encryption keys: the seam between the <c>secure</c> storage and where
/// KEKs live. <see cref="LocalKeyRing"/> keeps them in a key file; a hosted key vault implements the
/// same members with its own key versions (Azure Key Vault: <c>CryptographyClient</c> is an
/// <see cref="IKeyEncryptionKey"/>, <c>KeyResolver</c> an <see cref="IKeyEncryptionKeyResolver"/>,
/// rotation is <c>KeyClient.RotateKeyAsync</c>, retiring a version disables it).
/// </summary>
public interface IKeyRing : IKeyEncryptionKeyResolver
{
    /// <summary>The version that wraps new data keys, and that rewrapping moves every key to.</summary>
    IKeyEncryptionKey Current { get; }

    /// <summary>Ids of every version that can still unwrap (current and not yet retired).</summary>
    IReadOnlyList<string> KeyIds { get; }

    /// <summary>The wrapping algorithm name to pass to <see cref="IKeyEncryptionKey.WrapKey"/>.</summary>
    string WrapAlgorithm { get; }

    /// <summary>Adds a new version and makes it current; returns its id.</summary>
    Task<string> RotateAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes a version that no data key uses any more; refuses the current one.</summary>
    Task RetireAsync(string keyId, CancellationToken cancellationToken = default);
}
