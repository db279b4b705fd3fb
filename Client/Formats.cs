using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Custodian.Cli;

/// <summary>How the CLI reads and writes times, and writes JSON.</summary>
internal static class Formats
{
    /// <summary>The protobuf JSON mapping, indented, with fields at their default values written too (a zero count is data).</summary>
    public static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation().WithFormatDefaultValues(true));

    // ISO-8601 as people type it: a date, or a date and time to the minute, second or fraction, with an optional offset.
    private static readonly string[] IsoFormats =
        ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>A UTC time to the second, or "-" when absent.</summary>
    public static string Time(Timestamp? timestamp) =>
        timestamp is null ? "-" : timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The <c>--json</c> option of commands that can print their response as JSON.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print the response as JSON (the protobuf JSON mapping)." };

    /// <summary>
    /// Parses an ISO-8601 time given to <paramref name="option"/> (a date, or a date and time with an optional
    /// offset, UTC when none); <see cref="UsageException"/> when it is not one.
    /// </summary>
    public static DateTimeOffset ParseTime(string text, string option) =>
        DateTimeOffset.TryParseExact(text.Trim(), IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new UsageException($"{option} '{text}' is not an ISO-8601 time: use e.g. 2026-11-26, 2026-11-26T18:00:00Z or 2026-11-26T19:00:00+01:00.");
}
