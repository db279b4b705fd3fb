using Custodian.Client;
using Custodian.Gateway.Protos.Incidents;
using Custodian.Tests.Client;
using Custodian.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Custodian.Tests.Incidents;

/// <summary>Opening an incident under an idempotency key: a repeat answers with the incident; another opening of it is refused, as before.</summary>
[Collection(IncidentsCollection.Name)]
public sealed class IncidentIdempotencyTests(IncidentsPlatform platform)
{
    [Fact]
    public async Task OpeningTwiceUnderOneKeyOpensOnceAndAnythingElseIsRefused()
    {
        // Arrange
        var token = Custodian.Hosting.DevelopmentTokens.Mint(platform.Jwt, Platform.NewId("officer"), null, ["officer"], TimeSpan.FromMinutes(10));
        using var officer = SdkClients.For(platform, token);
        var key = IdempotencyKey.New();
        var opening = new OpenIncidentRequest
        {
            TenantId = IncidentsPlatform.Acme,
            IncidentId = Platform.NewId("inc"),
            AwareAt = Timestamp.FromDateTimeOffset(platform.Clock.GetUtcNow().AddHours(-1)),
            Facts = new IncidentFacts { Nature = "Credentials of a support account leaked", ApproximateSubjects = 40 },
        };
        var otherFacts = opening.Clone();
        otherFacts.Facts.ApproximateSubjects = 41;

        // Act
        var first = await officer.Incidents.OpenIncidentAsync(opening, IdempotencyKey.Headers(key));
        var repeat = await officer.Incidents.OpenIncidentAsync(opening, IdempotencyKey.Headers(key));
        var reused = await Assert.ThrowsAsync<RpcException>(async () => await officer.Incidents.OpenIncidentAsync(otherFacts, IdempotencyKey.Headers(key)));
        var freshKey = await Assert.ThrowsAsync<RpcException>(async () => await officer.Incidents.OpenIncidentAsync(opening));

        // Assert
        Assert.Equal(first.Incident.History, repeat.Incident.History); // the repeat made no transition of its own
        Assert.Equal(StatusCode.FailedPrecondition, reused.StatusCode);
        Assert.Contains("idempotency-key", reused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.FailedPrecondition, freshKey.StatusCode);
        Assert.Contains("already opened", freshKey.Status.Detail, StringComparison.Ordinal);
    }
}
