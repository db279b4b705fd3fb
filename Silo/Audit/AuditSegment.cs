using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Custodian.Audit;

namespace Custodian.Silo.Audit;

/// <summary>
/// One append of a partition as one table row: row key = the first sequence (zero-padded), the
/// entries as UTF-8 JSON split over binary columns of at most 60 KiB (a table column holds 64 KiB,
/// a row 1 MiB), with the first and last sequence and the earliest and latest entry time for
/// selecting segments. One row per batch instead of one per entry keeps an append to two table
/// operations, the segment and the head, whatever the batch size.
/// </summary>
internal static class AuditSegment
{
    private const int ChunkBytes = 60 * 1024;
    private const string Chunk = "Entries";

    public static string RowKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    public static TableEntity Encode(string partitionKey, IReadOnlyList<AuditEntry> entries)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(entries, AuditJsonContext.Default.IReadOnlyListAuditEntry);
        var row = new TableEntity(partitionKey, RowKey(entries[0].Sequence))
        {
            ["First"] = entries[0].Sequence,
            ["Last"] = entries[^1].Sequence,
            ["MinAt"] = entries.Min(e => e.Record.At),
            ["MaxAt"] = entries.Max(e => e.Record.At),
        };
        for (int offset = 0, n = 0; offset < json.Length; offset += ChunkBytes, n++)
        {
            row[Chunk + n.ToString(CultureInfo.InvariantCulture)] = json.AsSpan(offset, Math.Min(ChunkBytes, json.Length - offset)).ToArray();
        }

        return row;
    }

    /// <summary>
    /// The entries of a stored segment; an undecodable segment yields none (verification then reports
    /// the gap). A row of the earlier layout, one entry per row with a column per field, yields that entry.
    /// </summary>
    public static IReadOnlyList<AuditEntry> Decode(TableEntity row)
    {
        if (!row.ContainsKey(Chunk + "0") && row.ContainsKey("Hash"))
        {
            return [FromEntryRow(row)];
        }

        using var json = new MemoryStream();
        for (var n = 0; row.GetBinary(Chunk + n.ToString(CultureInfo.InvariantCulture)) is { } chunk; n++)
        {
            json.Write(chunk);
        }

        try
        {
            return JsonSerializer.Deserialize(json.ToArray(), AuditJsonContext.Default.IReadOnlyListAuditEntry) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static AuditEntry FromEntryRow(TableEntity row) => new(
        row.GetInt64("Sequence") ?? -1,
        new AuditRecord(
            row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
            row.GetString("Actor") ?? "",
            row.GetString("Action") ?? "",
            row.GetString("Target") ?? "",
            row.GetString("Outcome") ?? "",
            row.GetString("SourceIp") ?? "",
            row.GetString("GrantId") ?? ""),
        row.GetString("PreviousHash") ?? "",
        row.GetString("Hash") ?? "");
}
