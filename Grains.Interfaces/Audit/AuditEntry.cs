using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Custodian.Audit;

/// <summary>
/// One stored entry of a partition's hash chain: its sequence, the record, the previous entry's
/// hash, and its own hash over all of that.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Audit.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] AuditRecord Record,
    [property: Id(2)] string PreviousHash,
    [property: Id(3)] string Hash)
{
    /// <summary>The previous hash of a partition's first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>Chains <paramref name="record"/> after an entry with <paramref name="previousHash"/>.</summary>
    public static AuditEntry Chain(long sequence, AuditRecord record, string previousHash) =>
        new(sequence, record, previousHash, ComputeHash(sequence, record, previousHash));

    /// <summary>
    /// SHA-256 (hex) of the length-prefixed UTF-8 of every field, in order. The purpose and the count
    /// follow only when either differs from its default (empty, 1), so entries stored before they
    /// existed keep their hashes; with length prefixes, a shorter list of fields never encodes like a longer one.
    /// </summary>
    public static string ComputeHash(long sequence, AuditRecord record, string previousHash)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        List<string> fields =
        [
            sequence.ToString(invariant),
            record.At.UtcTicks.ToString(invariant),
            record.Actor, record.Action, record.Target, record.Outcome, record.SourceIp, record.GrantId, previousHash,
        ];
        if (record.Purpose is { Length: > 0 } || record.Count != 1)
        {
            fields.Add(record.Purpose ?? "");
            fields.Add(record.Count.ToString(invariant));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var field in fields)
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
