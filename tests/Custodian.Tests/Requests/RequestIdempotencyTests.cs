using Custodian.Client;
using Custodian.Gateway.Protos.Requests;
using Custodian.Tests.Client;
using Custodian.Tests.Infrastructure;
using Grpc.Core;

namespace Custodian.Tests.Requests;

/// <summary>Filing under an idempotency key: a repeat is the same request, not a second one; the key with another filing is refused.</summary>
[Collection(RequestsCollection.Name)]
public sealed class RequestIdempotencyTests(RequestsPlatform platform)
{
    [Fact]
    public async Task FilingTwiceUnderOneKeyFilesOneRequestAndTheKeyWithAnotherFilingIsRefused()
    {
        // Arrange: one client application (one principal) and its SDK client
        var tenant = Platform.NewId("acme");
        var token = Custodian.Hosting.DevelopmentTokens.Mint(platform.Jwt, "app-" + tenant, tenant, ["app"], TimeSpan.FromMinutes(10));
        using var app = SdkClients.For(platform, token);
        var key = IdempotencyKey.New();

        // Act
        var first = await app.FileRequestAsync(tenant, "s1", RequestKind.Access, key);
        var repeat = await app.FileRequestAsync(tenant, "s1", RequestKind.Access, key);
        var reused = await Assert.ThrowsAsync<RpcException>(() => app.FileRequestAsync(tenant, "s1", RequestKind.Erasure, key));
        var another = await app.FileRequestAsync(tenant, "s1", RequestKind.Access);
        var open = await platform.RequestsAs(RequestsPlatform.Officer, null, "officer").ListRequestsAsync(new ListRequestsRequest { TenantId = tenant });

        // Assert
        Assert.Equal(first.RequestId, repeat.RequestId);
        Assert.Equal(first.Request.ReceivedAt, repeat.Request.ReceivedAt);
        Assert.Equal(StatusCode.FailedPrecondition, reused.StatusCode);
        Assert.Contains("idempotency-key", reused.Status.Detail, StringComparison.Ordinal);
        Assert.NotEqual(first.RequestId, another.RequestId);
        Assert.Equal(new[] { first.RequestId, another.RequestId }.Order(StringComparer.Ordinal), open.Requests.Select(r => r.RequestId).Order(StringComparer.Ordinal));
    }
}
