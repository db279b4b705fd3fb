using System.Globalization;

namespace Custodian.Benchmarks;

/// <summary>
/// Report rows comparing the encrypted and the plain variant: both values, their ratio, the
/// encryption's overhead as a share of the encrypted path's cost, and the spread across rounds.
/// </summary>
internal static class ComparisonTable
{
    private const string RowFormat = "{0,-12} {1,10} {2,10} {3,10} {4,9} {5,12} {6,17} {7,17}";

    /// <summary>A titled header.</summary>
    public static void Header(string title)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, RowFormat,
            "metric", "encrypted", "plain", "enc/plain", "overhead", "ratio rounds", "encrypted rounds", "plain rounds"));
    }

    /// <summary>
    /// One metric: each variant's headline value; enc/plain as the median of the per-round ratios (the
    /// two variants of a round ran back to back, so each ratio is free of drift between rounds); the
    /// overhead that ratio implies; and the min–max across rounds of the ratio and of each variant.
    /// <paramref name="higherIsBetter"/> is true for throughput (cost per op = 1 / value) and false for
    /// latency (cost = value); overhead = (encrypted cost − plain cost) / encrypted cost.
    /// </summary>
    public static void Row(string metric, double encrypted, double plain, IReadOnlyList<double> encryptedRounds, IReadOnlyList<double> plainRounds, bool higherIsBetter, string format)
    {
        var ratios = encryptedRounds.Zip(plainRounds, (e, p) => e / p).Order().ToList();
        var ratio = ratios[ratios.Count / 2];
        var overhead = higherIsBetter ? 1 - ratio : 1 - (1 / ratio);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, RowFormat,
            metric,
            encrypted.ToString(format, CultureInfo.InvariantCulture),
            plain.ToString(format, CultureInfo.InvariantCulture),
            ratio.ToString("F3", CultureInfo.InvariantCulture),
            (100 * overhead).ToString("F1", CultureInfo.InvariantCulture) + "%",
            Spread(ratios, "F2"),
            Spread(encryptedRounds, format),
            Spread(plainRounds, format)));
    }

    private static string Spread(IReadOnlyList<double> rounds, string format) =>
        $"{rounds.Min().ToString(format, CultureInfo.InvariantCulture)}-{rounds.Max().ToString(format, CultureInfo.InvariantCulture)}";
}
