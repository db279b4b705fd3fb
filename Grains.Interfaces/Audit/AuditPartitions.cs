using System.Text;

namespace Custodian.Audit;

/// <summary>
/// How a region's trail is partitioned: partition <c>n</c> of region <c>r</c> is the grain
/// <c>r/n</c>, and an actor's records go to the partition its stable hash names, the same on every
/// gateway and silo, on every start (unlike <see cref="string.GetHashCode()"/>, which .NET seeds
/// per process).
/// </summary>
public static class AuditPartitions
{
    /// <summary>The key of partition <paramref name="n"/> of <paramref name="region"/>'s trail.</summary>
    public static string Name(string region, int n) => $"{region}/{n}";

    /// <summary>The partition (0 to <paramref name="count"/> - 1) of <paramref name="actor"/>'s records.</summary>
    public static int Of(string actor, int count) => (int)(StableHash(actor) % (uint)Math.Max(1, count));

    /// <summary>32-bit FNV-1a of the UTF-8 of <paramref name="value"/>: fixed by its definition, not by the process.</summary>
    public static uint StableHash(string value)
    {
        var hash = 2166136261u;
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> utf8 = length <= 512 ? stackalloc byte[length] : new byte[length];
        foreach (var b in utf8[..Encoding.UTF8.GetBytes(value, utf8)])
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
