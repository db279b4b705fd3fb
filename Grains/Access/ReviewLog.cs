using Microsoft.Extensions.Logging;

namespace Custodian.Access;

/// <summary>Log messages of access reviews.</summary>
internal static partial class ReviewLog
{
    [LoggerMessage(6101, LogLevel.Information, "Access review {ReviewId} opened by {Actor} with {Count} grant(s)")]
    public static partial void Opened(ILogger logger, string reviewId, int count, string actor);

    [LoggerMessage(6102, LogLevel.Warning, "Access review {ReviewId} closed at its deadline: {Suspended} unreviewed grant(s) suspended")]
    public static partial void Closed(ILogger logger, string reviewId, int suspended);
}
