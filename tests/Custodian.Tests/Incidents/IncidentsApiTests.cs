using Custodian.Gateway.Protos.Incidents;
using Custodian.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Custodian.Tests.Incidents;

[Collection(IncidentsCollection.Name)]
public sealed class IncidentsApiTests(IncidentsPlatform platform)
{
    [Fact]
    public async Task BadInputIsInvalidArgumentNamingTheFields()
    {
        var officer = Client(Platform.NewId("officer"), "officer");

        var open = await Assert.ThrowsAsync<RpcException>(async () => await officer.OpenIncidentAsync(new OpenIncidentRequest
        {
            TenantId = "not a tenant", IncidentId = Platform.NewId("inc"), Facts = new IncidentFacts { Nature = "x" },
        }));
        var facts = await Assert.ThrowsAsync<RpcException>(async () => await officer.OpenIncidentAsync(new OpenIncidentRequest
        {
            TenantId = IncidentsPlatform.Acme, IncidentId = Platform.NewId("inc"), AwareAt = Timestamp.FromDateTimeOffset(platform.Clock.GetUtcNow()),
            Facts = new IncidentFacts { Nature = "x", ApproximateRecords = -5, AffectedSubjects = new StringList { Values = { "nobody" } } },
        }));
        var notice = await Assert.ThrowsAsync<RpcException>(async () => await officer.SendNoticeAsync(new SendNoticeRequest
        {
            TenantId = IncidentsPlatform.Acme, IncidentId = (await OpenAsync(officer)).IncidentId,
        }));
        var export = await Assert.ThrowsAsync<RpcException>(async () => await officer.ExportRegisterAsync(new ExportRegisterRequest()));

        Assert.Equal(StatusCode.InvalidArgument, open.StatusCode);
        Assert.Equal(["tenant_id", "aware_at"], Fields(open).Order().Reverse());
        Assert.Equal(["approximate_records", "affected_subjects[0]"], Fields(facts).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(["audience", "phase"], Fields(notice));
        Assert.Equal(["format"], Fields(export));
    }

    [Fact]
    public async Task IllegalTransitionsAreFailedPreconditionAndAFirstPhaseShowsItsDeliveryOnTheIncident()
    {
        // Arrange
        var principal = Platform.NewId("officer");
        var officer = Client(principal, "officer");
        var opened = await OpenAsync(officer);
        var incident = new IncidentRef { TenantId = IncidentsPlatform.Acme, IncidentId = opened.IncidentId };

        // Act
        var confirm = await Assert.ThrowsAsync<RpcException>(async () => await officer.ConfirmIncidentAsync(incident));
        var final = await Assert.ThrowsAsync<RpcException>(async () => await officer.SendNoticeAsync(new SendNoticeRequest
        {
            TenantId = incident.TenantId, IncidentId = incident.IncidentId, Audience = NoticeAudience.Authority, Phase = NoticePhase.Final,
        }));
        var close = await Assert.ThrowsAsync<RpcException>(async () => await officer.CloseIncidentAsync(incident));
        await officer.SendNoticeAsync(new SendNoticeRequest
        {
            TenantId = incident.TenantId, IncidentId = incident.IncidentId, Audience = NoticeAudience.Customer, Phase = NoticePhase.First,
        });
        var delivered = await Poll.UntilAsync(
            async () => (await officer.GetIncidentAsync(incident)).Incident is { Deliveries: [{ State: "delivered" } d] } ? d : throw new TimeoutException(),
            TimeSpan.FromSeconds(30));
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await officer.GetIncidentAsync(new IncidentRef { TenantId = IncidentsPlatform.Acme, IncidentId = Platform.NewId("inc") }));
        var app = await Assert.ThrowsAsync<RpcException>(async () => await Client(Platform.NewId("app"), "app").GetIncidentAsync(incident));

        // Assert
        Assert.Equal(StatusCode.FailedPrecondition, confirm.StatusCode);
        Assert.Contains("Only a draft", confirm.Status.Detail);
        Assert.Equal(StatusCode.FailedPrecondition, final.StatusCode);
        Assert.Contains("subject_categories", final.Status.Detail);
        Assert.Contains("contact_point", final.Status.Detail);
        Assert.Equal(StatusCode.FailedPrecondition, close.StatusCode);
        Assert.False(string.IsNullOrEmpty(delivered.RelayAnswer));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, app.StatusCode);
        var audited = await platform.AuditEntriesOfAsync(principal);
        Assert.Contains(audited, e => e.Record.Action.EndsWith("/OpenIncident", StringComparison.Ordinal) && e.Record.Target == "incident:" + opened.IncidentId);
        Assert.Contains(audited, e => e.Record.Action.EndsWith("/ConfirmIncident", StringComparison.Ordinal));
    }

    private async Task<Incident> OpenAsync(Custodian.Gateway.Protos.Incidents.Incidents.IncidentsClient officer) =>
        (await officer.OpenIncidentAsync(new OpenIncidentRequest
        {
            TenantId = IncidentsPlatform.Acme,
            IncidentId = Platform.NewId("inc"),
            AwareAt = Timestamp.FromDateTimeOffset(platform.Clock.GetUtcNow().AddHours(-1)),
            Facts = new IncidentFacts { Nature = "Credentials of a support account leaked", ApproximateSubjects = 40 },
        })).Incident;

    private Custodian.Gateway.Protos.Incidents.Incidents.IncidentsClient Client(string principal, string role) =>
        new(platform.Channel(Custodian.Hosting.DevelopmentTokens.Mint(platform.Jwt, principal, role == "app" ? IncidentsPlatform.Acme : null, [role], TimeSpan.FromMinutes(10))));

    private static string[] Fields(RpcException e) =>
        [.. e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Field)];
}
