using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Custodian.Cli;

/// <summary>How the CLI writes times and JSON.</summary>
internal static class Formats
{
    /// <summary>The protobuf JSON mapping, indented, with fields at their default values written too (a zero count is data).</summary>
    public static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation().WithFormatDefaultValues(true));

    /// <summary>A UTC time to the second, or "-" when absent.</summary>
    public static string Time(Timestamp? timestamp) =>
        timestamp is null ? "-" : timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
