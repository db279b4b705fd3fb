using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Custodian.Idempotency;

/// <summary>
/// The writes a grain remembers by idempotency key: the last <see cref="Kept"/>, oldest first, so its state stays small;
/// a repeat older than that is applied again. Fingerprints are SHA-256 digests of a write's parts, kept only inside the
/// grain's encrypted state.
/// </summary>
public static class RecentWrites
{
    /// <summary>How many keyed writes a grain keeps.</summary>
    public const int Kept = 64;

    /// <summary>The write made under <paramref name="key"/>, or null when none of the kept ones was.</summary>
    public static KeyedWrite? Find(ImmutableArray<KeyedWrite> writes, string key)
    {
        foreach (var write in writes.IsDefault ? [] : writes)
        {
            if (string.Equals(write.Key, key, StringComparison.Ordinal))
            {
                return write;
            }
        }

        return null;
    }

    /// <summary><paramref name="writes"/> with <paramref name="write"/> added last, and the oldest dropped beyond <see cref="Kept"/>.</summary>
    public static ImmutableArray<KeyedWrite> Add(ImmutableArray<KeyedWrite> writes, KeyedWrite write)
    {
        var all = (writes.IsDefault ? [] : writes).Add(write);
        return all.Length > Kept ? all.RemoveRange(0, all.Length - Kept) : all;
    }

    /// <summary>A digest of a write's parts, in order (each length-prefixed, so no two different lists of parts share one); null parts count as absent.</summary>
    public static string Fingerprint(params IEnumerable<string?> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            var bytes = part is null ? [] : Encoding.UTF8.GetBytes(part);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, part is null ? -1 : bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
