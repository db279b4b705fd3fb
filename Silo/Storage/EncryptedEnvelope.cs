namespace Custodian.Silo.Storage;

/// <summary>
/// What the inner storage holds for one grain state: AES-256-GCM ciphertext and its header.
/// The associated data (not stored) binds it to service id, grain id, state name, format and key id.
/// </summary>
public sealed class EncryptedEnvelope
{
    /// <summary>The envelope format; see <see cref="EnvelopeCipher.FormatVersion"/>.</summary>
    public int Format { get; set; }

    /// <summary>The id of the grain's data key that sealed it.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>The 96-bit GCM nonce, random per write.</summary>
    public byte[] Nonce { get; set; } = [];

    /// <summary>The encrypted state.</summary>
    public byte[] Ciphertext { get; set; } = [];

    /// <summary>The 128-bit GCM authentication tag.</summary>
    public byte[] Tag { get; set; } = [];
}
