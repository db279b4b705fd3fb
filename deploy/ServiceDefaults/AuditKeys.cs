using System.Security.Cryptography;
using System.Text;

namespace Custodian.Hosting;

/// <summary>
/// The audit trail's keys, derived (HKDF-SHA256) from one secret in a key file: one keys the hashes
/// that stand for data subjects in the trail, one those that stand for values (rectifications), one signs published verification summaries of whole
/// partitions, one those of time ranges (so that neither kind of summary passes for the other).
/// Destroying the secret makes the subject hashes unlinkable for good. One more key authenticates what the
/// storage account must not be able to forge (tombstones, shred ledger rows, audit heads and checkpoints):
/// the secret lives outside the account, so someone who can write to it cannot compute these MACs.
/// </summary>
public sealed class AuditKeys
{
    private readonly Mac _subjectKey;
    private readonly Mac _summaryKey;
    private readonly Mac _rangeSummaryKey;
    private readonly Mac _valueKey;
    private readonly Mac _integrityKey;

    private AuditKeys(byte[] secret)
    {
        _subjectKey = new(HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "custodian-audit-subject"u8.ToArray()));
        _summaryKey = new(HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "custodian-audit-summary"u8.ToArray()));
        _rangeSummaryKey = new(HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "custodian-audit-range-summary"u8.ToArray()));
        _valueKey = new(HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "custodian-audit-value"u8.ToArray()));
        _integrityKey = new(HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "custodian-integrity"u8.ToArray()));
    }

    /// <summary>Loads the key file (base64 secret of at least 32 bytes), creating it in development.</summary>
    public static AuditKeys Load(AuditOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.KeyFile))
        {
            throw new InvalidOperationException("No audit key file is configured: set Audit:KeyFile.");
        }

        if (options.CreateKeyIfMissing)
        {
            SecretFiles.CreateOnce(options.KeyFile, () => Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        }

        if (!File.Exists(options.KeyFile))
        {
            throw new InvalidOperationException($"The audit key file does not exist: {Path.GetFullPath(options.KeyFile)}");
        }

        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(File.ReadAllText(options.KeyFile).Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The audit key file is not valid base64: {Path.GetFullPath(options.KeyFile)}");
        }

        return secret.Length >= 32
            ? new AuditKeys(secret)
            : throw new InvalidOperationException("The audit key must be at least 32 bytes.");
    }

    /// <summary>What every target naming a data subject starts with (the trail indexes such targets).</summary>
    public const string SubjectPrefix = "subject:";

    /// <summary>How a data subject appears in the trail: <see cref="SubjectPrefix"/> and 22 characters of keyed hash.</summary>
    public string Subject(string tenantId, string subjectId) =>
        SubjectPrefix + Convert.ToBase64String(_subjectKey.Of(Encoding.UTF8.GetBytes($"{tenantId}/{subjectId}")))[..22];

    /// <summary>
    /// How a personal-data value appears in the trail (e.g. a field before and after a rectification):
    /// <c>hmac:</c> and 22 characters of keyed hash, bound to the subject and field, so equal values of
    /// different subjects or fields do not correlate and a guessed value cannot be checked without the key.
    /// </summary>
    public string Value(string tenantId, string subjectId, string field, string value) =>
        "hmac:" + Convert.ToBase64String(_valueKey.Of(Encoding.UTF8.GetBytes($"{tenantId}/{subjectId}\n{field}\n{value}")))[..22];

    /// <summary>The signature of a whole partition's verification summary.</summary>
    public string SignSummary(string partition, long count, string headHash) =>
        Sign(_summaryKey, $"{partition}\n{count}\n{headHash}");

    /// <summary>The signature of a time range's verification summary: the entries from <paramref name="firstSequence"/> to <paramref name="lastSequence"/>.</summary>
    public string SignRangeSummary(string partition, long count, long firstSequence, long lastSequence, string headHash) =>
        Sign(_rangeSummaryKey, $"{partition}\n{count}\n{firstSequence}\n{lastSequence}\n{headHash}");

    /// <summary>
    /// The MAC of a stored fact the storage account must not be able to forge. <paramref name="purpose"/> names
    /// the kind of fact (so a MAC of one kind never passes for another) and <paramref name="fields"/> are its
    /// fields, each length-prefixed.
    /// </summary>
    public string Authenticate(string purpose, params ReadOnlySpan<string> fields)
    {
        var text = new StringBuilder(purpose);
        foreach (var field in fields)
        {
            text.Append('\n').Append(field.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(':').Append(field);
        }

        return Sign(_integrityKey, text.ToString());
    }

    /// <summary>Whether <paramref name="mac"/> is <see cref="Authenticate"/> of the same purpose and fields (compared in constant time).</summary>
    public bool IsAuthentic(string? mac, string purpose, params ReadOnlySpan<string> fields) =>
        mac is { Length: 64 } && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(mac), Encoding.ASCII.GetBytes(Authenticate(purpose, fields)));

    private static string Sign(Mac key, string summary) =>
        Convert.ToHexString(key.Of(Encoding.UTF8.GetBytes(summary))).ToLowerInvariant();

    /// <summary>
    /// HMAC-SHA256 under one key, with keyed instances kept for reuse: on every call of the gateway's read path, a
    /// one-shot HMAC set up the key (an OpenSSL context) anew, and reused instances skip that.
    /// </summary>
    private sealed class Mac(byte[] key)
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<IncrementalHash> _idle = [];

        public byte[] Of(byte[] data)
        {
            var hmac = _idle.TryTake(out var kept) ? kept : IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            hmac.AppendData(data);
            var mac = hmac.GetHashAndReset();
            _idle.Add(hmac);
            return mac;
        }
    }
}
