using System.Buffers;
using System.Text;

namespace Custodian.Exports;

/// <summary>
/// The one CSV writer of Custodian's exports (the grant log, the breach register). RFC 4180: every row ends
/// with CRLF, a cell is quoted when it holds a comma, a double quote, CR or LF, and a double quote inside is
/// doubled. Safe to open in a spreadsheet (OWASP, CSV injection): a cell that starts with <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, tab or CR is prefixed with a single quote and quoted, so it is read as text and never
/// run as a formula.
/// </summary>
public static class Csv
{
    /// <summary>The characters a spreadsheet may take as the start of a formula.</summary>
    public const string FormulaStarts = "=+-@\t\r";

    private static readonly SearchValues<char> Formula = SearchValues.Create(FormulaStarts);
    private static readonly SearchValues<char> Special = SearchValues.Create(",\"\r\n");

    /// <summary>The document: the header row, then one row per entry of <paramref name="rows"/>, each as long as the header.</summary>
    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var csv = new StringBuilder();
        AppendRow(csv, header, header.Count);
        foreach (var row in rows)
        {
            AppendRow(csv, row, header.Count);
        }

        return csv.ToString();
    }

    /// <summary>One cell as it is written: neutralised when it could start a formula, quoted when it must be.</summary>
    public static string Cell(string? value)
    {
        value ??= "";
        var formula = value.Length > 0 && Formula.Contains(value[0]);
        if (formula)
        {
            value = "'" + value;
        }

        return formula || value.AsSpan().ContainsAny(Special)
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    private static void AppendRow(StringBuilder csv, IReadOnlyList<string> row, int columns)
    {
        if (row.Count != columns)
        {
            throw new ArgumentException($"A row has {row.Count} cells; the header has {columns}.", nameof(row));
        }

        for (var i = 0; i < row.Count; i++)
        {
            csv.Append(i == 0 ? "" : ",").Append(Cell(row[i]));
        }

        csv.Append("\r\n");
    }
}
