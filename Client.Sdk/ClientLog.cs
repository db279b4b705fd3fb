using Microsoft.Extensions.Logging;

namespace Custodian.Client;

/// <summary>What a <see cref="CustodianClient"/> logs: gateway addresses and status codes, never a call's content or its keys.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Warning, "Gateway {From} is unavailable ({StatusCode}: {Detail}); trying {To}")]
    public static partial void FailingOver(ILogger logger, Uri from, Grpc.Core.StatusCode statusCode, string detail, Uri to);
}
