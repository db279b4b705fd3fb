using System.Globalization;

namespace Custodian.Benchmarks;

/// <summary>
/// Report rows of the storage benchmark: one column per variant (the headline value and the min–max across
/// rounds), and ratios between two variants as the median of the per-round ratios with their min–max.
/// </summary>
internal static class ComparisonTable
{
    private const int MetricWidth = 12;
    private const int CellWidth = 24;

    /// <summary>One variant's value in a row: the headline and each round's value.</summary>
    public sealed record Cell(double Value, IReadOnlyList<double> Rounds);

    /// <summary>A titled header with one column per <paramref name="columns"/>.</summary>
    public static void Header(string title, IReadOnlyList<string> columns)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine(Line("metric", columns));
    }

    /// <summary>One metric: each variant's headline value and its min–max across rounds; a dash where a variant has no such op.</summary>
    public static void Row(string metric, IReadOnlyList<Cell?> cells, string format) =>
        Console.WriteLine(Line(metric, [.. cells.Select(c => c is null ? "-" : $"{Format(c.Value, format)} ({Spread(c.Rounds, format)})")]));

    /// <summary>One metric's ratios: for each pair of variants, the median of the per-round ratios and their min–max; a dash for none.</summary>
    public static void RatioRow(string metric, IReadOnlyList<(Cell Numerator, Cell Denominator)?> pairs) =>
        Console.WriteLine(Line(metric, [.. pairs.Select(p =>
        {
            if (p is not { } pair)
            {
                return "-";
            }

            var (median, rounds) = Ratio(pair.Numerator.Rounds, pair.Denominator.Rounds);
            return $"{Format(median, "F3")} ({Spread(rounds, "F2")})";
        })]));

    /// <summary>The median of the per-round ratios <paramref name="numerator"/>[r] / <paramref name="denominator"/>[r], and all of them.</summary>
    public static (double Median, IReadOnlyList<double> Rounds) Ratio(IReadOnlyList<double> numerator, IReadOnlyList<double> denominator)
    {
        var ratios = numerator.Zip(denominator, (n, d) => n / d).ToList();
        return (Median(ratios), ratios);
    }

    /// <summary>The median (upper median for an even count).</summary>
    public static double Median(IReadOnlyList<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>The min–max of <paramref name="rounds"/>.</summary>
    public static string Spread(IReadOnlyList<double> rounds, string format) =>
        $"{Format(rounds.Min(), format)}-{Format(rounds.Max(), format)}";

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Line(string metric, IReadOnlyList<string> cells) =>
        metric.PadRight(MetricWidth) + string.Concat(cells.Select(c => " " + c.PadLeft(CellWidth)));
}
