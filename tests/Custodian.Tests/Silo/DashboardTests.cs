using System.Net;
using System.Net.Http.Headers;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Silo;

[Collection(PlatformCollection.Name)]
public sealed class DashboardTests(Platform platform)
{
    [Fact]
    public async Task DashboardIsUnauthorizedWithoutAnOperatorLogin()
    {
        using var client = Client();

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task DashboardIsForbiddenToANonOperator()
    {
        using var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.Token("acme", "app"));

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task DashboardAnswersAnOperatorWithABearerToken()
    {
        using var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.Token(null, "operator"));

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DashboardNeverShowsAGrainsStateEvenToAnOperator()
    {
        using var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.Token(null, "operator"));

        var response = await client.GetAsync("/dashboard/GrainState?grainId=acme/subj&grainType=Custodian.Subjects.DataSubjectGrain");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OperatorLoginSetsASecureCookieThatOpensTheDashboard()
    {
        var cookies = new CookieContainer();
        using var client = Client(cookies);

        var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = platform.Token(null, "operator") }));
        var dashboard = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = Assert.Single(cookies.GetAllCookies());
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Secure);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    private HttpClient Client(CookieContainer? cookies = null)
    {
        var handler = Platform.PinnedHandler(platform.AdminCertificate);
        handler.AllowAutoRedirect = false;
        handler.CookieContainer = cookies ?? new CookieContainer();
        handler.UseCookies = cookies is not null;
        return new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{platform.AdminPort}") };
    }
}
