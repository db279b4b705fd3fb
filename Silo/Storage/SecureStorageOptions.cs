namespace Custodian.Silo.Storage;

/// <summary>The <c>secure</c> grain storage: where encrypted states and wrapped data keys live.</summary>
public sealed class SecureStorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "SecureStorage";

    /// <summary>The grain storage name grains use: <c>[PersistentState(name, "secure")]</c>.</summary>
    public const string ProviderName = "secure";

    /// <summary>The local key ring's file (development and tests; production uses a key vault).</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>
    /// The pair region's key file: this region wraps every data key for the pair's KEK too, so the pair can
    /// read the state without this region. (With a hosted key vault, only the pair key's wrap permission.)
    /// </summary>
    public string PairKeyFile { get; set; } = "";

    /// <summary>Create <see cref="KeyFile"/> with a fresh key when it is missing (development only).</summary>
    public bool CreateKeyFileIfMissing { get; set; }

    /// <summary>The table of encrypted grain states.</summary>
    public string StateTable { get; set; } = "CustodianState";

    /// <summary>The table of wrapped data keys; kept apart from states and backups.</summary>
    public string KeyTable { get; set; } = "CustodianKeys";

    /// <summary>The tombstone list: which grains were crypto-shredded.</summary>
    public string TombstoneTable { get; set; } = "CustodianTombstones";

    /// <summary>The shred receipts.</summary>
    public string ReceiptTable { get; set; } = "CustodianShredReceipts";

    /// <summary>
    /// For the first start after upgrading from envelope format 1 (sealed without their stamp, tombstones without a
    /// MAC): read such envelopes and tombstones too. Each is sealed as format 2 at its grain's next write. Off by
    /// default: while on, a format-1 copy's stamp is not authenticated, so a rollback to one is not refused.
    /// </summary>
    public bool ReadUnstampedEnvelopes { get; set; }

    /// <summary>
    /// Keep the authenticated version record (<see cref="VersionRecord"/>) in the witness's account: a rollback of the
    /// states in both regions shows too, at one more write per state write and one more read per activation.
    /// </summary>
    public bool VersionRecord { get; set; }
}
