namespace Custodian.Gateway.Validation;

/// <summary>Log messages of request validation before a call reaches its handler: ids, sizes and types, never the request's bytes.</summary>
internal static partial class ValidationLog
{
    [LoggerMessage(3201, LogLevel.Debug, "{Method}: the {Length}-byte request is not a valid {Message} message ({Error}); answered INVALID_ARGUMENT")]
    public static partial void MalformedRequest(ILogger logger, string method, string message, int length, string error);

    [LoggerMessage(3202, LogLevel.Warning, "{Method}: parsing the {Length}-byte request as {Message} failed unexpectedly ({Error}); answered INVALID_ARGUMENT")]
    public static partial void UnexpectedParseFailure(ILogger logger, string method, string message, int length, string error);

    [LoggerMessage(3204, LogLevel.Debug, "{Method}: the request holds invalid times ({Fields}); answered INVALID_ARGUMENT")]
    public static partial void InvalidTime(ILogger logger, string method, string fields);

    [LoggerMessage(3203, LogLevel.Information, "{Method}: a {Length}-byte request message is over the {Limit}-byte limit; answered RESOURCE_EXHAUSTED unread")]
    public static partial void OversizedRequest(ILogger logger, string method, long length, int limit);
}
