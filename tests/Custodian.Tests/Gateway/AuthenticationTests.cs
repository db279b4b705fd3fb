using Custodian.Gateway.Protos.Subjects;
using Custodian.Hosting;
using Custodian.Tests.Infrastructure;
using Grpc.Core;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Tests.Gateway;

[Collection(PlatformCollection.Name)]
public sealed class AuthenticationTests(Platform platform)
{
    private const string Tenant = "acme-auth";

    public static TheoryData<string> BadTokens =>
        ["none", "expired", "wrong-audience", "wrong-issuer", "bad-signature", "garbage", "valid-for-ten-years", "longer-than-12-hours", "no-issued-at", "for-the-dashboard"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task CallWithoutAValidTokenIsUnauthenticated(string kind)
    {
        // Arrange
        var headers = new Metadata();
        var token = kind switch
        {
            "none" => null,
            "expired" => DevelopmentTokens.Mint(platform.Jwt, "p", Tenant, ["app"], TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow.AddHours(-1)),
            "wrong-audience" => DevelopmentTokens.Mint(With(a => a.Audience = "someone-else"), "p", Tenant, ["app"], TimeSpan.FromMinutes(10)),
            "wrong-issuer" => DevelopmentTokens.Mint(With(a => a.Issuer = "someone-else"), "p", Tenant, ["app"], TimeSpan.FromMinutes(10)),
            "bad-signature" => DevelopmentTokens.Mint(
                new JwtOptions { SigningKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) },
                "p", Tenant, ["app"], TimeSpan.FromMinutes(10)),
            "valid-for-ten-years" => DevelopmentTokens.Mint(platform.Jwt, "p", Tenant, ["app"], TimeSpan.FromDays(3653)),
            "longer-than-12-hours" => DevelopmentTokens.Mint(platform.Jwt, "p", Tenant, ["app"], TimeSpan.FromHours(12) + TimeSpan.FromMinutes(1)),
            "no-issued-at" => WithoutIssuedAt(),
            "for-the-dashboard" => DevelopmentTokens.Mint(platform.DashboardJwt, "p", Tenant, ["app"], TimeSpan.FromMinutes(10)),
            _ => "not.a.token",
        };
        if (token is not null)
        {
            headers.Add("Authorization", "Bearer " + token);
        }

        // Act
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client().ListCategoriesAsync(
            new ListCategoriesRequest { Purpose = "support", TenantId = Tenant, SubjectId = "subj" }, headers));

        // Assert
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task AnotherTenantsSubjectIsPermissionDenied()
    {
        var headers = new Metadata { { "Authorization", "Bearer " + platform.Token("other-tenant", "app") } };

        var read = await Assert.ThrowsAsync<RpcException>(async () => await Client().GetRecordAsync(
            new GetRecordRequest { Purpose = "support", TenantId = Tenant, SubjectId = "subj", Category = "contact" }, headers));
        var write = await Assert.ThrowsAsync<RpcException>(async () => await Client().PutRecordAsync(
            new PutRecordRequest { TenantId = Tenant, SubjectId = "subj", Record = Subjects.SampleRecords.Contact("x@example.org") }, headers));

        Assert.Equal(StatusCode.PermissionDenied, read.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, write.StatusCode);
    }

    [Fact]
    public async Task TokenWithoutTenantClaimIsPermissionDenied()
    {
        var headers = new Metadata { { "Authorization", "Bearer " + platform.Token(null, "staff") } };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client().ListCategoriesAsync(
            new ListCategoriesRequest { Purpose = "support", TenantId = Tenant, SubjectId = "subj" }, headers));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task PlainHttp2WithoutTlsIsNotServed()
    {
        using var client = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{platform.GatewayPort}/custodian.subjects.v1.Subjects/ListCategories")
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(request));
    }

    [Fact]
    public async Task HealthIsServedWithoutAToken()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(platform.Channel());

        var response = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest());

        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task ReflectionListsTheServicesToAnAuthenticatedCallerOnly()
    {
        var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(platform.Channel());
        var request = new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" };

        var services = await ListServicesAsync(reflection, request, new Metadata { { "Authorization", "Bearer " + platform.Token(Tenant, "app") } });
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => ListServicesAsync(reflection, request, []));

        Assert.Contains("custodian.subjects.v1.Subjects", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
    }

    private static async Task<List<string>> ListServicesAsync(
        Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient reflection, Grpc.Reflection.V1Alpha.ServerReflectionRequest request, Metadata headers)
    {
        using var call = reflection.ServerReflectionInfo(headers);
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
    }

    private SubjectsClient Client() => new(platform.Channel());

    [Fact]
    public async Task ATokenOfTwelveHoursIsAcceptedAndTheSameTokenForTheDashboardIsNot()
    {
        // Arrange: the longest lifetime accepted by default, for the gateway and for the dashboard
        var tenant = Platform.NewId("acme");
        var gatewayToken = DevelopmentTokens.Mint(platform.Jwt, "p", tenant, ["app"], TimeSpan.FromHours(12));
        var dashboardToken = DevelopmentTokens.Mint(platform.DashboardJwt, "p", tenant, ["app"], TimeSpan.FromHours(12));

        // Act
        var accepted = await new SubjectsClient(platform.Channel(gatewayToken)).ListCategoriesAsync(new ListCategoriesRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1" });
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await new SubjectsClient(platform.Channel(dashboardToken))
            .ListCategoriesAsync(new ListCategoriesRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1" }));

        // Assert
        Assert.Empty(accepted.Categories);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    private JwtOptions With(Action<JwtOptions> change)
    {
        var options = platform.Jwt;
        change(options);
        return options;
    }

    /// <summary>A well-signed token with an expiry but neither iat nor nbf: its lifetime cannot be bounded.</summary>
    private string WithoutIssuedAt()
    {
        var descriptor = new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = platform.Jwt.Issuer,
            Audience = platform.Jwt.Audience,
            Subject = new System.Security.Claims.ClaimsIdentity([new("sub", "p"), new("tenant", Tenant), new("roles", "app")]),
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new(platform.Jwt.ResolveSigningKey(), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        };
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
