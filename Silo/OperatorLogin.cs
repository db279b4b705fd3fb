using Custodian.Hosting;

namespace Custodian.Silo;

/// <summary>
/// A browser's way into the dashboard: an operator pastes a token (e.g. from
/// <c>custodian token mint --role operator</c>); it is kept in an HttpOnly, Secure cookie and
/// validated like a bearer token on every request.
/// </summary>
internal static class OperatorLogin
{
    private const string Form = """
        <!doctype html><html><head><title>Custodian operator login</title></head>
        <body><h1>Custodian operator login</h1>
        <form method="post" action="/login"><label>Operator token <input name="token" type="password" size="60"></label>
        <button type="submit">Open dashboard</button></form></body></html>
        """;

    public static void MapOperatorLogin(this WebApplication app)
    {
        app.MapGet("/login", () => Results.Content(Form, "text/html"));
        app.MapPost("/login", (HttpContext context, [Microsoft.AspNetCore.Mvc.FromForm] string token) =>
        {
            context.Response.Cookies.Append(AuthenticationExtensions.OperatorCookie, token, new CookieOptions
            {
                HttpOnly = true,
                Secure = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
            });
            return Results.Redirect("/dashboard/");
        }).DisableAntiforgery();
    }
}
