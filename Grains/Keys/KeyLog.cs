using Microsoft.Extensions.Logging;

namespace Custodian.Keys;

/// <summary>Log messages of key management: key ids and counts, never key material.</summary>
internal static partial class KeyLog
{
    [LoggerMessage(4001, LogLevel.Information, "Region {Region}: KEK rotation to {Target} started by {Actor}; {Remaining} data keys to rewrap")]
    public static partial void RotationStarted(ILogger logger, string region, string target, long remaining, string actor);

    [LoggerMessage(4002, LogLevel.Information, "Region {Region}: rewrap progress {Done} done, {Remaining} remaining (pass {Pass})")]
    public static partial void RewrapProgress(ILogger logger, string region, long done, long remaining, int pass);

    [LoggerMessage(4003, LogLevel.Information, "Region {Region}: KEK rotation to {Target} completed: {Done} data keys rewrapped in {Passes} pass(es); retired [{Retired}]")]
    public static partial void RotationCompleted(ILogger logger, string region, string target, long done, int passes, string retired);
}
