using System.Net;
using Custodian.Audit;
using Custodian.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Custodian.Silo;

/// <summary>
/// A browser's way into the dashboard: an operator pastes a token (e.g. from
/// <c>custodian token mint --role operator</c>); it is validated like a bearer token, must carry the
/// operator role, and is then kept in an HttpOnly, Secure cookie and validated again on every request.
/// Every attempt is accounted for in the region's audit trail before it is answered; a login the trail
/// cannot record is refused. Refused attempts go through the <see cref="DenialLedger"/>, as the gateway's
/// denials do: a source over its rate of refusals gets 429 with Retry-After at once, and identical refusals
/// from one source within a minute are written as one entry with their count.
/// </summary>
internal sealed class OperatorLogin(
    IAuditTrail trail,
    SiloOptions silo,
    IOptionsMonitor<JwtBearerOptions> jwt,
    DenialLedger denials,
    TimeProvider timeProvider,
    ILogger<OperatorLogin> logger) : BackgroundService
{
    /// <summary>The audit action of a dashboard login.</summary>
    public const string Action = "DashboardLogin";

    private const string Anonymous = "anonymous";

    private const string Form = """
        <!doctype html><html><head><title>Custodian operator login</title></head>
        <body><h1>Custodian operator login</h1>
        <form method="post" action="/login"><label>Operator token <input name="token" type="password" size="60"></label>
        <button type="submit">Open dashboard</button></form></body></html>
        """;

    /// <summary>The login form.</summary>
    public static IResult FormPage(int statusCode = StatusCodes.Status200OK) => Results.Content(Form, "text/html", statusCode: statusCode);

    /// <summary>
    /// Checks the token, audits the attempt, and on success sets the cookie and opens the dashboard.
    /// A refused token gets 401 and the form; an attempt the audit trail cannot record gets 503; neither sets a cookie.
    /// </summary>
    public async Task<IResult> LoginAsync(HttpContext context, string? token)
    {
        var principal = string.IsNullOrEmpty(token)
            ? null
            : await jwt.Get(JwtBearerDefaults.AuthenticationScheme).ValidateAsync(token, context.RequestAborted);
        var actor = principal?.FindFirst(CustodianClaims.Subject)?.Value is { Length: > 0 } subject ? subject : Anonymous;
        var allowed = principal?.IsInRole(CustodianClaims.OperatorRole) == true;
        var remote = context.Connection.RemoteIpAddress ?? IPAddress.None;
        var record = new AuditRecord(
            timeProvider.GetUtcNow(),
            actor,
            Action,
            $"dashboard:{silo.Region}",
            allowed ? "allowed" : "denied",
            (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString(),
            allowed ? $"role:{CustodianClaims.OperatorRole}" : "");

        var denial = new Denial(record.SourceIp, record.Actor, record.Action, record.Target, record.Outcome);
        var (verdict, retryAfter) = allowed ? (DenialVerdict.Record, TimeSpan.Zero) : denials.Admit(denial);
        if (verdict == DenialVerdict.Throttled)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Text("Too many refused logins from this address; try again later.", statusCode: StatusCodes.Status429TooManyRequests);
        }

        try
        {
            if (verdict == DenialVerdict.Record)
            {
                await trail.WriteAsync(record);
            }
        }
        catch (Exception e)
        {
            if (!allowed)
            {
                denials.Unwritten(denial);
            }

            OperatorLoginLog.AuditFailed(logger, e, actor);
            return Results.Text("The audit trail cannot record this login now; try again later.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (!allowed)
        {
            OperatorLoginLog.Denied(logger, actor, principal is null ? "no valid token" : "not an operator");
            return FormPage(StatusCodes.Status401Unauthorized);
        }

        OperatorLoginLog.Allowed(logger, actor);
        context.Response.Cookies.Append(AuthenticationExtensions.OperatorCookie, token!, new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
        });
        return Results.Redirect("/dashboard/");
    }

    /// <summary>Writes the counts of refused logins that were not written one by one, as their windows close.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => denials.RunAsync(
        summary => trail.WriteAsync(new AuditRecord(summary.Until, summary.Kind.Actor, summary.Kind.Action,
            summary.Kind.Target, summary.Kind.Outcome, summary.Kind.Source, "", Count: summary.Count)),
        stoppingToken);
}
