using System.Net;
using Custodian.Audit;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Silo;

/// <summary>Calls to a platform's admin endpoint, and the dashboard logins its audit trail holds.</summary>
public static class DashboardLogins
{
    /// <summary>
    /// An HTTPS client of the admin endpoint that follows no redirects; with a container, it keeps cookies;
    /// with <paramref name="from"/>, it connects from that local address.
    /// </summary>
    public static HttpClient Client(Platform platform, CookieContainer? cookies = null, IPAddress? from = null)
    {
        var handler = Platform.PinnedHandler(platform.AdminCertificate, from);
        handler.AllowAutoRedirect = false;
        handler.CookieContainer = cookies ?? new CookieContainer();
        handler.UseCookies = cookies is not null;
        return new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{platform.AdminPort}") };
    }

    /// <summary>Posts the login form with <paramref name="token"/>.</summary>
    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, string token) =>
        client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }));

    /// <summary>The <c>DashboardLogin</c> entries of <paramref name="actor"/> since <paramref name="since"/>, over every partition of the region's trail.</summary>
    public static async Task<List<AuditRecord>> EntriesAsync(Platform platform, string actor, DateTimeOffset since) =>
        [.. (await platform.AuditEntriesAsync(new AuditQuery(Actor: actor, Action: "DashboardLogin", From: since))).Select(e => e.Record)];
}
