namespace Custodian.Silo.Storage;

/// <summary>
/// What the inner storage holds for one grain state: AES-256-GCM ciphertext and its header, or,
/// once the grain was crypto-shredded, a tombstone (<see cref="Erased"/> set, no ciphertext, a <see cref="Mac"/>).
/// The associated data (not stored) binds it to service id, grain id, state name, format, key id and its
/// <see cref="Stamp"/>, so neither a copy moved from elsewhere nor an older copy with a newer stamp passes.
/// </summary>
public sealed class EncryptedEnvelope
{
    /// <summary>The envelope format; see <see cref="EnvelopeCipher.FormatVersion"/>.</summary>
    public int Format { get; set; }

    /// <summary>The grain it belongs to (grain ids carry no personal data); lets backups map rows to grains.</summary>
    public string Grain { get; set; } = "";

    /// <summary>The id of the grain's data key that sealed it.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>The 96-bit GCM nonce, random per write.</summary>
    public byte[] Nonce { get; set; } = [];

    /// <summary>The encrypted state.</summary>
    public byte[] Ciphertext { get; set; } = [];

    /// <summary>The 128-bit GCM authentication tag.</summary>
    public byte[] Tag { get; set; } = [];

    /// <summary>Set on a tombstone: when the grain was shredded and the receipt id.</summary>
    public ErasedMarker? Erased { get; set; }

    /// <summary>The writer region's epoch at the witness when this copy was written (0: a region's own data).</summary>
    public long Epoch { get; set; }

    /// <summary>This state's write count: each write is one more; a replica accepts only a newer (epoch, version).</summary>
    public long Version { get; set; }

    /// <summary>The region that wrote this copy.</summary>
    public string Writer { get; set; } = "";

    /// <summary>A tombstone's MAC under the integrity key (which the storage account does not hold); null on a sealed state.</summary>
    public string? Mac { get; set; }

    /// <summary>Epoch, version and writer, as sealed into the associated data or the tombstone's MAC.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public EnvelopeStamp Stamp => new(Epoch, Version, Writer);
}

/// <summary>Which write of a state a copy is: the writer's epoch, the state's write count, and the writer region.</summary>
public readonly record struct EnvelopeStamp(long Epoch, long Version, string Writer)
{
    /// <summary>Whether this copy is a later write than <paramref name="other"/>, by (epoch, version).</summary>
    public bool IsNewerThan(EnvelopeStamp other) => Epoch > other.Epoch || (Epoch == other.Epoch && Version > other.Version);

    public override string ToString() => $"epoch {Epoch}, version {Version}, written in {(Writer.Length == 0 ? "?" : Writer)}";
}

/// <summary>The tombstone part of an envelope.</summary>
public sealed class ErasedMarker
{
    /// <summary>When the data key was destroyed.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>The shred receipt.</summary>
    public string ReceiptId { get; set; } = "";
}
