namespace Custodian.Cli;

/// <summary>A plain-text table with columns aligned by padding; without headers it lists label/value pairs.</summary>
internal sealed class TableWriter(params string[] headers)
{
    private const string Gap = "  ";
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row; control characters in cells are escaped so that every row stays on one line.</summary>
    public void AddRow(params string[] cells) => _rows.Add([.. cells.Select(Escape)]);

    /// <summary>Writes the header (if any), a rule under it, and the rows.</summary>
    public void WriteTo(TextWriter output)
    {
        var columns = Math.Max(headers.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r.Length));
        var widths = new int[columns];
        foreach (var row in _rows.Prepend(headers))
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        if (headers.Length > 0)
        {
            WriteLine(output, headers, widths);
            WriteLine(output, [.. widths.Select(w => new string('-', w))], widths);
        }

        foreach (var row in _rows)
        {
            WriteLine(output, row, widths);
        }
    }

    private static void WriteLine(TextWriter output, string[] cells, int[] widths)
    {
        // The last cell is not padded, so lines carry no trailing spaces.
        var padded = cells.Select((cell, i) => i == cells.Length - 1 ? cell : cell.PadRight(widths[i]));
        output.WriteLine(string.Join(Gap, padded));
    }

    private static string Escape(string cell) =>
        cell.Any(char.IsControl)
            ? string.Concat(cell.Select(c => c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            }))
            : cell;
}
