using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Custodian.Audit;

/// <summary>
/// The opaque page token of an audit query: per partition, the sequence of the last entry already
/// returned. It names no entry's content, and a token that does not decode to one position per
/// partition is refused.
/// </summary>
public static class AuditPageToken
{
    /// <summary>The longest token accepted (far more than any real one).</summary>
    public const int MaxLength = 1024;

    private const string Version = "a1";

    public static string Encode(IReadOnlyList<long> positions) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(Version + ":" + string.Join(',', positions.Select(p => p.ToString(CultureInfo.InvariantCulture)))));

    /// <summary>The positions, one per partition, or null when <paramref name="token"/> is not a token for <paramref name="partitions"/> partitions.</summary>
    public static long[]? Decode(string token, int partitions)
    {
        if (token.Length > MaxLength || !Base64Url.IsValid(token))
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token));
        if (!text.StartsWith(Version + ":", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = text[(Version.Length + 1)..].Split(',');
        var positions = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out positions[i]))
            {
                return null;
            }
        }

        return positions.Length == partitions ? positions : null;
    }
}
