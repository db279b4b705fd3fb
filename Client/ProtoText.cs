using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Custodian.Cli;

/// <summary>How the keys and backup commands print gateway responses: as text for people, or with <c>--json</c>.</summary>
internal static class ProtoText
{
    // Default values are printed too, so that a script reads "phase" or "done" even when they are IDLE or 0.
    private static readonly JsonFormatter _json = new(JsonFormatter.Settings.Default.WithIndentation().WithFormatDefaultValues(true));

    /// <summary>The <c>--json</c> option of a command whose output is structured.</summary>
    public static Option<bool> JsonOption() =>
        new("--json") { Description = "Print the response as JSON (the protobuf JSON mapping, default values included)." };

    /// <summary>The protobuf JSON mapping of <paramref name="message"/>, indented.</summary>
    public static string Json(IMessage message) => _json.Format(message);

    /// <summary>A UTC time to the second, e.g. <c>2026-01-31T09:30:00Z</c>, or <c>-</c>.</summary>
    public static string Time(Timestamp? timestamp) =>
        timestamp is null ? "-" : timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A count as plain digits.</summary>
    public static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The text, or <c>-</c> when it is empty.</summary>
    public static string OrDash(string text) => text.Length == 0 ? "-" : text;

    /// <summary>The items separated by commas, or <c>-</c> when there are none.</summary>
    public static string List(IEnumerable<string> items) => string.Join(", ", items) is { Length: > 0 } joined ? joined : "-";

    /// <summary>An enum value in lower case, e.g. <c>rewrapping</c> for <c>RotationPhase.Rewrapping</c>.</summary>
    public static string Name<T>(T value)
        where T : struct, System.Enum => value.ToString().ToLowerInvariant();
}
