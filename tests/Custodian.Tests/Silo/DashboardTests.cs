using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Custodian.Hosting;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Silo;

[Collection(PlatformCollection.Name)]
public sealed class DashboardTests(Platform platform)
{
    [Fact]
    public async Task DashboardIsUnauthorizedWithoutAnOperatorLogin()
    {
        using var client = DashboardLogins.Client(platform);

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task DashboardIsForbiddenToANonOperator()
    {
        using var client = DashboardLogins.Client(platform);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.DashboardToken(Platform.NewId("app"), "app"));

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task DashboardAnswersAnOperatorWithABearerToken()
    {
        using var client = DashboardLogins.Client(platform);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.DashboardToken(Platform.NewId("operator"), "operator"));

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnOperatorsGatewayTokenOpensNeitherTheDashboardNorItsLogin()
    {
        // Arrange: a valid operator token, but for the gateway's audience
        var cookies = new CookieContainer();
        using var client = DashboardLogins.Client(platform, cookies, Platform.NewSource());
        var gatewayToken = platform.Token(null, "operator");

        // Act
        var login = await DashboardLogins.LoginAsync(client, gatewayToken);
        using var bearer = DashboardLogins.Client(platform);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", gatewayToken);
        var dashboard = await bearer.GetAsync("/dashboard/");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Empty(cookies.GetAllCookies());
        Assert.Equal(HttpStatusCode.Unauthorized, dashboard.StatusCode);
    }

    [Fact]
    public async Task DashboardNeverShowsAGrainsStateEvenToAnOperator()
    {
        using var client = DashboardLogins.Client(platform);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.DashboardToken(Platform.NewId("operator"), "operator"));

        var response = await client.GetAsync("/dashboard/GrainState?grainId=acme/subj&grainType=Custodian.Subjects.DataSubjectGrain");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task DashboardsLiveTraceStreamIsOffEvenForAnOperator()
    {
        using var client = DashboardLogins.Client(platform);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.DashboardToken(Platform.NewId("operator"), "operator"));

        var response = await client.GetAsync("/dashboard/Trace");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task OperatorLoginIsAuditedAndSetsASecureCookieThatOpensTheDashboard()
    {
        // Arrange
        var cookies = new CookieContainer();
        using var client = DashboardLogins.Client(platform, cookies);
        var actor = Platform.NewId("operator");
        var since = DateTimeOffset.UtcNow;

        var token = platform.DashboardToken(actor, "operator");

        // Act
        var login = await DashboardLogins.LoginAsync(client, token);
        var dashboard = await client.GetAsync("/dashboard/");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = Assert.Single(cookies.GetAllCookies());
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Secure);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        var entry = Assert.Single(await DashboardLogins.EntriesAsync(platform, actor, since));
        Assert.Equal(("allowed", $"dashboard:{Platform.Region}", "role:operator", "127.0.0.1"), (entry.Outcome, entry.Target, entry.GrantId, entry.SourceIp));
        Assert.DoesNotContain(platform.Logs.Lines, l => l.Contains(token, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("signed with another key")]
    [InlineData("expired")]
    public async Task LoginWithAnInvalidTokenIsRefusedAuditedAsAnonymousAndSetsNoCookie(string invalid)
    {
        // Arrange
        // (each case from a source of its own: identical refusals from one source within a minute are one entry)
        var cookies = new CookieContainer();
        var source = Platform.NewSource();
        using var client = DashboardLogins.Client(platform, cookies, source);
        var actor = Platform.NewId("operator");
        var token = invalid == "expired"
            ? DevelopmentTokens.Mint(platform.DashboardJwt, actor, null, ["operator"], TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow.AddHours(-1))
            : DevelopmentTokens.Mint(new JwtOptions { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Audience = platform.DashboardJwt.Audience }, actor, null, ["operator"], TimeSpan.FromMinutes(10));
        var since = DateTimeOffset.UtcNow;

        // Act
        var login = await DashboardLogins.LoginAsync(client, token);
        var dashboard = await client.GetAsync("/dashboard/");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Contains("<form", await login.Content.ReadAsStringAsync());
        Assert.Empty(cookies.GetAllCookies());
        Assert.Equal(HttpStatusCode.Unauthorized, dashboard.StatusCode);
        Assert.Empty(await DashboardLogins.EntriesAsync(platform, actor, since)); // an unproven name is not believed
        var entry = Assert.Single(await DashboardLogins.EntriesAsync(platform, "anonymous", since), e => e.SourceIp == source.ToString());
        Assert.Equal(("denied", $"dashboard:{Platform.Region}", "", 1), (entry.Outcome, entry.Target, entry.GrantId, entry.Count));
    }

    [Fact]
    public async Task LoginWithAValidTokenWithoutTheOperatorRoleIsRefusedAndAudited()
    {
        // Arrange
        var cookies = new CookieContainer();
        using var client = DashboardLogins.Client(platform, cookies);
        var actor = Platform.NewId("officer");
        var since = DateTimeOffset.UtcNow;

        // Act
        var login = await DashboardLogins.LoginAsync(client, DevelopmentTokens.Mint(platform.DashboardJwt, actor, null, ["officer", "app"], TimeSpan.FromMinutes(10)));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Empty(cookies.GetAllCookies());
        var entry = Assert.Single(await DashboardLogins.EntriesAsync(platform, actor, since));
        Assert.Equal(("denied", ""), (entry.Outcome, entry.GrantId));
    }
}
