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

    public static TheoryData<string> BadTokens => ["none", "expired", "wrong-audience", "wrong-issuer", "bad-signature", "garbage"];

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
            _ => "not.a.token",
        };
        if (token is not null)
        {
            headers.Add("Authorization", "Bearer " + token);
        }

        // Act
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client().ListCategoriesAsync(
            new ListCategoriesRequest { TenantId = Tenant, SubjectId = "subj" }, headers));

        // Assert
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task AnotherTenantsSubjectIsPermissionDenied()
    {
        var headers = new Metadata { { "Authorization", "Bearer " + platform.Token("other-tenant", "app") } };

        var read = await Assert.ThrowsAsync<RpcException>(async () => await Client().GetRecordAsync(
            new GetRecordRequest { TenantId = Tenant, SubjectId = "subj", Category = "contact" }, headers));
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
            new ListCategoriesRequest { TenantId = Tenant, SubjectId = "subj" }, headers));

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

    private JwtOptions With(Action<JwtOptions> change)
    {
        var options = platform.Jwt;
        change(options);
        return options;
    }
}
