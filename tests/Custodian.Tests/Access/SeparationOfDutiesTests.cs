using Custodian.Access;
using Custodian.Audit;
using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using GrantStatus = Custodian.Gateway.Protos.Access.GrantStatus;
using Operation = Custodian.Gateway.Protos.Access.Operation;
using SecurityClient = Custodian.Gateway.Protos.Security.SecurityReports.SecurityReportsClient;

namespace Custodian.Tests.Access;

public sealed class SeparationOfDutiesTests(AccessPlatform platform) : IClassFixture<AccessPlatform>
{
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Fact]
    public async Task AnOfficerCannotIssueItselfAGrantNorReadWithOne()
    {
        // Arrange: a subject, and an officer who tries to grant itself a read
        var tenant = Platform.NewId("acme");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("self-grant@example.org") });
        var officer = Platform.NewId("officer");
        var since = Now;

        // Act
        var issue = await Assert.ThrowsAsync<RpcException>(() => platform.IssueAsync(officer, tenant, ["s1"], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1), officer: officer));
        var read = await Assert.ThrowsAsync<RpcException>(async () => await platform.SubjectsAs(officer, null, "officer")
            .GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "s1", Category = "contact" }));

        // Assert
        Assert.Equal(StatusCode.PermissionDenied, issue.StatusCode);
        Assert.Contains("cannot issue a grant to itself", issue.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, read.StatusCode);
        var entries = await platform.AuditEntriesAsync(new AuditQuery(Actor: officer, From: since));
        Assert.Contains(entries, e => e.Record.Action.EndsWith("/IssueGrant", StringComparison.Ordinal) && e.Record.Outcome == "denied");
        Assert.DoesNotContain(entries, e => e.Record.Action.EndsWith("/IssueGrant", StringComparison.Ordinal) && e.Record.Outcome == "done");
        Assert.Empty((await platform.Access(AccessPlatform.SecondOfficer, "officer").ListGrantLogAsync(new ListGrantLogRequest { Principal = officer })).Events);
    }

    [Fact]
    public async Task AGrantMadeOutToAnOfficerIsApprovedByNeitherItNorItsIssuerButByAThirdOfficer()
    {
        // Arrange: under the two-person rule, an export grant for officer ada issued by officer grace
        var tenant = Platform.NewId("acme");
        var third = Platform.NewId("officer");
        var grant = await platform.IssueAsync(AccessPlatform.Officer, tenant, ["s1"], [Operation.Export], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1),
            officer: AccessPlatform.SecondOfficer);
        var approve = (string officer) => platform.Access(officer, "officer").ApproveGrantAsync(new GrantActionRequest { GrantId = grant.GrantId, Reason = "checked" }).ResponseAsync;

        // Act
        var byItsPrincipal = await Assert.ThrowsAsync<RpcException>(() => approve(AccessPlatform.Officer));
        var byItsIssuer = await Assert.ThrowsAsync<RpcException>(() => approve(AccessPlatform.SecondOfficer));
        var byAThird = await approve(third);

        // Assert
        Assert.Equal(GrantStatus.AwaitingApproval, grant.Status);
        Assert.Equal((StatusCode.PermissionDenied, StatusCode.PermissionDenied), (byItsPrincipal.StatusCode, byItsIssuer.StatusCode));
        Assert.Contains("made out to itself", byItsPrincipal.Status.Detail);
        Assert.Contains("two different officers", byItsIssuer.Status.Detail);
        Assert.Equal((GrantStatus.Active, third, AccessPlatform.SecondOfficer), (byAThird.Status, byAThird.ApprovedBy, byAThird.IssuedBy));
    }

    [Fact]
    public async Task AnOfficerCannotRenewAGrantMadeOutToItself()
    {
        // Arrange: a read grant for officer ada, issued by grace
        var tenant = Platform.NewId("acme");
        var grant = await platform.IssueAsync(AccessPlatform.Officer, tenant, ["s1"], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1),
            officer: AccessPlatform.SecondOfficer);

        // Act
        var renewal = await Assert.ThrowsAsync<RpcException>(async () => await platform.Access(AccessPlatform.Officer, "officer").RenewGrantAsync(new RenewGrantRequest
        {
            GrantId = grant.GrantId,
            Justification = "still needed",
            ValidUntil = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Now.AddHours(2)),
        }));

        // Assert
        Assert.Equal(StatusCode.PermissionDenied, renewal.StatusCode);
        Assert.Contains("cannot issue a grant to itself", renewal.Status.Detail);
    }

    [Fact]
    public async Task RenewalIsTheGrantGrainsWorkUnderTheRulesOfIssuingWhoeverCallsIt()
    {
        // Arrange: a read grant for a member of staff, and one for officer ada, both issued by grace
        var tenant = Platform.NewId("acme");
        var staffGrant = await platform.IssueAsync(Platform.NewId("staff"), tenant, ["s1"], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1),
            officer: AccessPlatform.SecondOfficer);
        var adasGrant = await platform.IssueAsync(AccessPlatform.Officer, tenant, ["s1"], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1),
            officer: AccessPlatform.SecondOfficer);
        var grain = (string id) => platform.GatewayCluster.GetGrain<IAccessGrantGrain>(id);

        // Act: the grains called directly
        var renewed = await grain(staffGrant.GrantId).RenewAsync(AccessPlatform.Officer, "still needed", Now.AddHours(2));
        var byItsPrincipal = await grain(adasGrant.GrantId).RenewAsync(AccessPlatform.Officer, "still needed", Now.AddHours(2));
        var tooLong = await grain(staffGrant.GrantId).RenewAsync(AccessPlatform.Officer, "still needed", Now.AddHours(9));
        var noReason = await grain(staffGrant.GrantId).RenewAsync(AccessPlatform.Officer, " ", Now.AddHours(2));
        var missing = await grain(Custodian.Access.Grant.NewId()).RenewAsync(AccessPlatform.Officer, "still needed", Now.AddHours(2));

        // Assert: a new grant that names the old one; the old one unchanged; the rules of issuing apply
        Assert.NotEqual(staffGrant.GrantId, renewed.Grant!.GrantId);
        Assert.Equal((staffGrant.GrantId, AccessPlatform.Officer, Custodian.Access.GrantStatus.Active), (renewed.Grant.RenewalOf, renewed.Grant.IssuedBy, renewed.Grant.Status));
        Assert.Equal(["issued"], (await grain(staffGrant.GrantId).GetAsync())!.History.Select(h => h.Action));
        Assert.True(byItsPrincipal.Forbidden);
        Assert.Contains("cannot issue a grant to itself", byItsPrincipal.Refusal);
        Assert.Equal("valid_until", Assert.Single(tooLong.Violations).Field);
        Assert.Equal("justification", Assert.Single(noReason.Violations).Field);
        Assert.True(missing.NotFound);
    }

    [Fact]
    public async Task LiftingASuspensionWithoutAReasonIsRefusedByThePrincipalGrainAndKeepsIt()
    {
        // Arrange
        var principal = platform.GatewayCluster.GetGrain<IPrincipalGrain>(Platform.NewId("staff"));
        await principal.SuspendAsync(new Suspension(Platform.NewId("alert"), "volume", Now));

        // Act: not through the gateway
        var result = await principal.ResumeAsync(AccessPlatform.SecondOfficer, "  ");

        // Assert
        Assert.Equal("reason", Assert.Single(result.Violations).Field);
        Assert.Null(result.Lifted);
        Assert.NotNull(await principal.GetSuspensionAsync());
    }

    [Fact]
    public async Task ASuspendedOfficerKeepsNoPowerUntilAnotherOfficerLiftsTheSuspension()
    {
        // Arrange: an officer suspended by a security alert; a grant awaiting approval it could otherwise approve
        var tenant = Platform.NewId("acme");
        var suspended = Platform.NewId("officer");
        var staff = Platform.NewId("staff");
        var pending = await platform.IssueAsync(staff, tenant, ["s1"], [Operation.Export], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1));
        var held = await platform.IssueAsync(staff, tenant, ["s1"], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1));
        await platform.GatewayCluster.GetGrain<IPrincipalGrain>(suspended).SuspendAsync(new Suspension(Platform.NewId("alert"), "volume", Now));
        var access = platform.Access(suspended, "officer", "dpo");
        var security = new SecurityClient(platform.Channel(Custodian.Hosting.DevelopmentTokens.Mint(platform.Jwt, suspended, null, ["officer"], TimeSpan.FromMinutes(5))));
        var since = Now;

        // Act: every role-based path, through the gateway, and the grains called directly
        var refusals = new Dictionary<string, RpcException>
        {
            ["issue"] = await Assert.ThrowsAsync<RpcException>(() => platform.IssueAsync(staff, tenant, ["s1"], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1), officer: suspended)),
            ["approve"] = await Assert.ThrowsAsync<RpcException>(async () => await access.ApproveGrantAsync(new GrantActionRequest { GrantId = pending.GrantId, Reason = "ok" })),
            ["renew"] = await Assert.ThrowsAsync<RpcException>(async () => await access.RenewGrantAsync(new RenewGrantRequest
            {
                GrantId = held.GrantId, Justification = "again", ValidUntil = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Now.AddHours(2)),
            })),
            ["resume itself"] = await Assert.ThrowsAsync<RpcException>(async () => await security.ResumePrincipalAsync(new() { Principal = suspended, Reason = "it was me" })),
            ["read the grant log"] = await Assert.ThrowsAsync<RpcException>(async () => await access.ListGrantLogAsync(new ListGrantLogRequest())),
            ["list alerts"] = await Assert.ThrowsAsync<RpcException>(async () => await security.ListAlertsAsync(new())),
        };
        var grantGrain = await platform.GatewayCluster.GetGrain<IAccessGrantGrain>(pending.GrantId).ApproveAsync(suspended, "called another way");
        var resumeGrain = await platform.GatewayCluster.GetGrain<IPrincipalGrain>(suspended).ResumeAsync(suspended, "called another way");
        var liftedAt = Now;
        var lifted = await new SecurityClient(platform.Channel(Custodian.Hosting.DevelopmentTokens.Mint(platform.Jwt, AccessPlatform.SecondOfficer, null, ["officer"], TimeSpan.FromMinutes(5))))
            .ResumePrincipalAsync(new() { Principal = suspended, Reason = "alert reviewed: a false positive" });
        var afterwards = await Poll.UntilAsync(() => access.ApproveGrantAsync(new GrantActionRequest { GrantId = pending.GrantId, Reason = "ok" }).ResponseAsync,
            TimeSpan.FromSeconds(15), e => e is RpcException { StatusCode: StatusCode.PermissionDenied });

        // Assert
        Assert.All(refusals, r => Assert.Equal((r.Key, StatusCode.PermissionDenied), (r.Key, r.Value.StatusCode)));
        Assert.All(refusals, r => Assert.Contains("suspended", r.Value.Status.Detail));
        Assert.True(grantGrain.Forbidden);
        Assert.Equal(SeparationOfDuties.Suspended, grantGrain.Refusal);
        Assert.NotNull(resumeGrain.Refusal);
        Assert.Null(resumeGrain.Lifted);
        Assert.Equal("volume", lifted.Lifted.Rule);
        Assert.Equal(GrantStatus.Active, afterwards.Status);
        var entries = await platform.AuditEntriesAsync(new AuditQuery(Actor: suspended, From: since));
        Assert.True(entries.Count(e => e.Record.Outcome == "denied:suspended") >= 5, "each refusal of the suspended officer is audited as a denial");
        Assert.DoesNotContain(entries, e => e.Record.Outcome == "allowed" && e.Record.At < liftedAt);
    }
}
