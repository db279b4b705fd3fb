using Custodian.Audit;
using Custodian.Gateway.Access;
using Custodian.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Custodian.Gateway.Audit;

/// <summary>
/// Records every call the role checks turn away (no valid token, or a token without the role the
/// method needs) before the refusal goes out. When the trail cannot take the record the caller gets
/// UNAVAILABLE instead of the refusal: either way nothing was done.
/// </summary>
public sealed partial class AuditedAuthorizationResultHandler(
    IAuditTrail audit, GatewayOptions options, TimeProvider time, ILogger<AuditedAuthorizationResultHandler> logger) : IAuthorizationMiddlewareResultHandler
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
                await audit.WriteAsync(new AuditRecord(time.GetUtcNow(), actor, "Admin:" + context.Request.Path.Value, "-", reason,
                    SourceAddress.Of(context, options).ToString(), ""));
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
