using Custodian.Audit;
using Custodian.Gateway.Access;
using Custodian.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Custodian.Gateway.Audit;

/// <summary>
/// Records every call the role checks turn away (no valid token, or a token without the role the
/// method needs) through <see cref="DeniedCalls"/> before the refusal goes out. A source over its rate
/// of denials gets RESOURCE_EXHAUSTED at once; when the trail cannot take a record that must be written,
/// the caller gets UNAVAILABLE (HTTP 503) instead of the refusal: either way nothing was done.
/// </summary>
public sealed partial class AuditedAuthorizationResultHandler(
    DeniedCalls denials, GatewayOptions options, TimeProvider time, ILogger<AuditedAuthorizationResultHandler> logger) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded && context.Request.Path.Value?.StartsWith("/custodian.", StringComparison.Ordinal) == true)
        {
            var actor = context.User.FindFirst(CustodianClaims.Subject)?.Value is { } sub && context.User.Identity?.IsAuthenticated == true ? sub : "anonymous";
            var reason = authorizeResult.Challenged ? "denied:unauthenticated" : "denied:role";
            try
            {
                var (verdict, retryAfter) = await denials.RecordAsync(new AuditRecord(time.GetUtcNow(), actor, "Admin:" + context.Request.Path.Value, "-", reason,
                    SourceAddress.Of(context, options).ToString(), ""));
                if (verdict == DenialVerdict.Throttled)
                {
                    await Throttling.WriteAsync(context, "Too many refused calls from this address", retryAfter);
                    return;
                }
            }
            catch (Exception e)
            {
                LogUnrecorded(logger, e, context.Request.Path.Value ?? "");
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }

    [LoggerMessage(7103, LogLevel.Error, "{Path}: the audit trail could not record a refused call; answered unavailable")]
    private static partial void LogUnrecorded(ILogger logger, Exception exception, string path);
}
