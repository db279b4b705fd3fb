using System.Net;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Silo;

/// <summary>A platform of its own: this test takes its audit store away.</summary>
public sealed class DashboardAuditFaultPlatform : Platform;

public sealed class DashboardLoginFailClosedTests(DashboardAuditFaultPlatform platform) : IClassFixture<DashboardAuditFaultPlatform>
{
    [Fact]
    public async Task OperatorLoginTheAuditTrailCannotRecordIsRefusedWithoutACookie()
    {
        // Arrange: a first login (so the trail's table exists), then the audit store gone
        var token = platform.DashboardToken(Platform.NewId("operator"), "operator");
        using (var first = DashboardLogins.Client(platform, new CookieContainer()))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await DashboardLogins.LoginAsync(first, token)).StatusCode);
        }

        var cookies = new CookieContainer();
        using var client = DashboardLogins.Client(platform, cookies);
        var audit = platform.Azurite.Tables.GetTableClient("CustodianAudit");
        await audit.DeleteAsync();

        // Act
        var refused = await DashboardLogins.LoginAsync(client, token);
        var dashboard = await client.GetAsync("/dashboard/");
        var cookiesWhileRefused = cookies.Count;
        await audit.CreateIfNotExistsAsync();
        var afterwards = await Poll.UntilAsync(
            async () => await DashboardLogins.LoginAsync(client, token) is { StatusCode: HttpStatusCode.Redirect } ok ? ok : throw new TimeoutException("login still refused"),
            TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(0, cookiesWhileRefused);
        Assert.Equal(HttpStatusCode.Unauthorized, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.Single(cookies.GetAllCookies());
        Assert.DoesNotContain(platform.Logs.Lines, l => l.Contains(token, StringComparison.Ordinal));
    }
}
