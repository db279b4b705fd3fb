using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Xunit.Abstractions;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Tests.Access;

public sealed class AccessGrantTests(AccessPlatform platform, ITestOutputHelper output) : IClassFixture<AccessPlatform>
{
    [Fact]
    public async Task NoReadSucceedsAfterTheRevokeReturned()
    {
        // Arrange: a staff member with a read grant, reading in a loop
        var tenant = Platform.NewId("acme");
        var staff = Platform.NewId("staff");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("r@example.org") });
        var grant = await platform.IssueAsync(staff, tenant, ["s1"], [Operation.Read], "127.0.0.0/8", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        var reader = platform.SubjectsAs(staff, null, "staff");
        var revoked = 0;
        int allowedBefore = 0, allowedAfter = 0, deniedAfter = 0;
        using var stop = new CancellationTokenSource();
        var reads = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var startedAfterRevoke = Volatile.Read(ref revoked) == 1;
                try
                {
                    await reader.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" });
                    _ = startedAfterRevoke ? Interlocked.Increment(ref allowedAfter) : Interlocked.Increment(ref allowedBefore);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
                {
                    _ = startedAfterRevoke ? Interlocked.Increment(ref deniedAfter) : 0;
                }
            }
        });
        await Poll.UntilAsync(() => Volatile.Read(ref allowedBefore) >= 20 ? Task.FromResult(true) : throw new TimeoutException(), TimeSpan.FromSeconds(30));

        // Act
        await platform.Access(AccessPlatform.Officer, "officer").RevokeGrantAsync(new GrantActionRequest { GrantId = grant.GrantId, Reason = "case closed" });
        Volatile.Write(ref revoked, 1);
        await Poll.UntilAsync(() => Volatile.Read(ref deniedAfter) >= 20 ? Task.FromResult(true) : throw new TimeoutException(), TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await reads;

        // Assert
        output.WriteLine($"reads allowed before the revoke: {allowedBefore}; after: {allowedAfter} allowed, {deniedAfter} denied");
        Assert.Equal(0, allowedAfter);
    }

    [Fact]
    public async Task StaffWithoutAGrantGetsNothingNotEvenListingsOrCounts()
    {
        var tenant = Platform.NewId("acme");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("n@example.org") });
        var staff = Platform.NewId("staff");
        var subjects = platform.SubjectsAs(staff, tenant, "staff");
        var token = platform.Token(tenant, "staff");

        var calls = new Func<Task>[]
        {
            async () => await subjects.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" }),
            async () => await subjects.ListCategoriesAsync(new ListCategoriesRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1" }),
            async () => await subjects.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("x@example.org") }),
            async () => await platform.Access(staff, "staff").ListGrantLogAsync(new ListGrantLogRequest()),
            async () => await platform.Access(staff, "staff").GetGrantAsync(new GetGrantRequest { GrantId = "grant-x" }),
            async () => await new Custodian.Gateway.Protos.Keys.Keys.KeysClient(platform.Channel(token)).GetRotationStatusAsync(new()),
            async () => await new Custodian.Gateway.Protos.Backups.Backups.BackupsClient(platform.Channel(token)).ListBackupsAsync(new()),
        };

        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        }
    }

    [Fact]
    public async Task ExportGrantNeedsASecondOfficerBeforeItAllowsAnything()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var staff = Platform.NewId("staff");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("e@example.org") });
        var grant = await platform.IssueAsync(staff, tenant, ["s1"], [Operation.Read, Operation.Export], "127.0.0.0/8", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        var reader = platform.SubjectsAs(staff, null, "staff");
        var read = () => reader.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" }).ResponseAsync;

        // Act and assert
        Assert.Equal(GrantStatus.AwaitingApproval, grant.Status);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(read)).StatusCode);
        var self = await Assert.ThrowsAsync<RpcException>(async () => await platform.Access(AccessPlatform.Officer, "officer")
            .ApproveGrantAsync(new GrantActionRequest { GrantId = grant.GrantId, Reason = "mine" }));
        Assert.Equal(StatusCode.PermissionDenied, self.StatusCode); // separation of duties: the issuer never approves
        var approved = await platform.Access(AccessPlatform.SecondOfficer, "officer").ApproveGrantAsync(new GrantActionRequest { GrantId = grant.GrantId, Reason = "checked" });
        Assert.Equal(GrantStatus.Active, approved.Status);
        Assert.Equal(AccessPlatform.SecondOfficer, approved.ApprovedBy);
        Assert.Equal("e@example.org", (await read()).Record.Fields["email"]);
    }

    [Fact]
    public async Task StaffShredsOnlyWithAnApprovedEraseGrant()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var staff = Platform.NewId("staff");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("z@example.org") });
        var keys = new Custodian.Gateway.Protos.Keys.Keys.KeysClient(platform.Channel(Custodian.Hosting.DevelopmentTokens.Mint(platform.Jwt, staff, null, ["staff"], TimeSpan.FromMinutes(5))));
        var shred = () => keys.ShredSubjectAsync(new Custodian.Gateway.Protos.Keys.ShredSubjectRequest { TenantId = tenant, SubjectId = "s1", Reason = "Art. 17" }).ResponseAsync;
        var grant = await platform.IssueAsync(staff, tenant, ["s1"], [Operation.Erase], "127.0.0.0/8", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));

        // Act
        var beforeApproval = await Assert.ThrowsAsync<RpcException>(shred);
        await platform.Access(AccessPlatform.SecondOfficer, "officer").ApproveGrantAsync(new GrantActionRequest { GrantId = grant.GrantId, Reason = "request verified" });
        var shredded = await shred();

        // Assert
        Assert.Equal(StatusCode.PermissionDenied, beforeApproval.StatusCode);
        Assert.StartsWith("shred-", shredded.ReceiptId);
    }

    public static TheoryData<string, Action<IssueGrantRequest>> BadGrants => new()
    {
        { "justification", r => r.Justification = " " },
        { "purpose", r => r.Purpose = "" },
        { "cidrs", r => r.Cidrs.Clear() },
        { "cidrs", r => r.Cidrs[0] = "0.0.0.0/0" },
        { "cidrs", r => r.Cidrs[0] = "::/0" },
        { "cidrs", r => r.Cidrs[0] = "not-a-network" },
        { "valid_until", r => r.ValidUntil = Timestamp.FromDateTimeOffset(r.ValidFrom.ToDateTimeOffset().AddHours(9)) },
        { "valid_until", r => r.ValidUntil = r.ValidFrom },
        { "operations", r => r.Operations[0] = (Operation)99 },
        { "operations", r => r.Operations.Clear() },
        { "principal", r => r.Principal = "" },
        { "scope.tenant_id", r => r.Scope.TenantId = "a/b" },
    };

    [Theory]
    [MemberData(nameof(BadGrants))]
    public async Task BadGrantIsInvalidArgumentNamingTheField(string field, Action<IssueGrantRequest> spoil)
    {
        var now = DateTimeOffset.UtcNow;
        var request = new IssueGrantRequest
        {
            Principal = "staff-x",
            Scope = new GrantScope { TenantId = "acme", SubjectIds = { "s1" } },
            Operations = { Operation.Read },
            Purpose = "support",
            Justification = "ticket",
            Cidrs = { "10.1.0.0/16" },
            ValidFrom = Timestamp.FromDateTimeOffset(now),
            ValidUntil = Timestamp.FromDateTimeOffset(now.AddHours(1)),
        };
        spoil(request);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await platform.Access(AccessPlatform.Officer, "officer").IssueGrantAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == field);
    }

    [Fact]
    public async Task OnlyOfficersIssueGrants()
    {
        foreach (var role in new[] { "staff", "dpo", "operator", "app" })
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await platform.Access("someone", role).IssueGrantAsync(new IssueGrantRequest()));
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        }
    }

    [Fact]
    public async Task TheLogOfGrantedAuthorisationsListsEveryTransitionAndExportsAsCsvAndJson()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var staff = Platform.NewId("staff");
        var grant = await platform.IssueAsync(staff, tenant, ["s1"], [Operation.Read], "10.2.0.0/16", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), justification: "=cmd|' /C calc'!A0");
        var renewed = await platform.Access(AccessPlatform.Officer, "officer").RenewGrantAsync(
            new RenewGrantRequest { GrantId = grant.GrantId, ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(2)), Justification = "still needed" });
        await platform.Access(AccessPlatform.Officer, "officer").RevokeGrantAsync(new GrantActionRequest { GrantId = grant.GrantId, Reason = "renewed" });
        var dpo = platform.Access("dpo-1", "dpo");

        // Act
        var byPrincipal = await dpo.ListGrantLogAsync(new ListGrantLogRequest { Principal = staff });
        var byOtherTenant = await dpo.ListGrantLogAsync(new ListGrantLogRequest { TenantId = "nobody" });
        var future = await dpo.ListGrantLogAsync(new ListGrantLogRequest { Principal = staff, From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)) });
        var csv = (await dpo.ExportGrantLogAsync(new ExportGrantLogRequest { Filter = new ListGrantLogRequest { Principal = staff }, Format = "csv" })).Content.ToStringUtf8();
        var json = (await dpo.ExportGrantLogAsync(new ExportGrantLogRequest { Filter = new ListGrantLogRequest { Principal = staff }, Format = "json" })).Content.ToStringUtf8();
        var old = await dpo.GetGrantAsync(new GetGrantRequest { GrantId = grant.GrantId });

        // Assert
        Assert.Equal(["issued", $"issued (renews {grant.GrantId})", "revoked"], byPrincipal.Events.Select(e => e.Action));
        Assert.All(byPrincipal.Events, e => Assert.Equal(AccessPlatform.Officer, e.Actor));
        Assert.DoesNotContain(byOtherTenant.Events, e => e.Principal == staff);
        Assert.Empty(future.Events);
        Assert.Equal(4, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"'=cmd", csv);
        Assert.Contains(renewed.GrantId, json);
        Assert.Equal(GrantStatus.Revoked, old.Status);
        Assert.Equal(["issued", "revoked"], old.History.Select(h => h.Action));
        Assert.Equal(GrantStatus.Active, renewed.Status);
        Assert.Equal(grant.GrantId, renewed.RenewalOf);
    }

    [Fact]
    public async Task TheGrantGrainCalledDirectlyRefusesAMissingOrOverLongReasonAndChangesNothing()
    {
        // Arrange: an active grant
        var grant = await platform.IssueAsync(Platform.NewId("staff"), Platform.NewId("acme"), ["s1"], [Operation.Read], "127.0.0.0/8",
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        var grain = platform.GatewayCluster.GetGrain<Custodian.Access.IAccessGrantGrain>(grant.GrantId);

        // Act: not through the gateway, which checks the same rule
        var blank = await grain.RevokeAsync(AccessPlatform.SecondOfficer, " ");
        var overLong = await grain.RevokeAsync(AccessPlatform.SecondOfficer, new string('r', Custodian.Access.OfficerReason.MaxLength + 1));
        var approval = await grain.ApproveAsync(AccessPlatform.SecondOfficer, "");

        // Assert
        Assert.All(new[] { blank, overLong, approval }, r => Assert.Equal("reason", Assert.Single(r.Violations).Field));
        var after = await grain.GetAsync();
        Assert.Equal(Custodian.Access.GrantStatus.Active, after!.Status);
        Assert.Equal(["issued"], after.History.Select(h => h.Action));
    }

    [Fact]
    public async Task ForwardedForIsHonouredFromATrustedProxyOnly()
    {
        // The fixture trusts 127.0.0.1 as a proxy: the address it forwards counts.
        var tenant = Platform.NewId("acme");
        var staff = Platform.NewId("staff");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("f@example.org") });
        await platform.IssueAsync(staff, tenant, ["s1"], [Operation.Read], "10.9.0.0/16", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        var reader = platform.SubjectsAs(staff, null, "staff");
        var request = new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" };

        var fromGrantedNetwork = await reader.GetRecordAsync(request, new Metadata { { "X-Forwarded-For", "10.9.8.7" } });
        var fromElsewhere = await Assert.ThrowsAsync<RpcException>(async () => await reader.GetRecordAsync(request, new Metadata { { "X-Forwarded-For", "192.0.2.1" } }));
        var direct = await Assert.ThrowsAsync<RpcException>(async () => await reader.GetRecordAsync(request));

        Assert.Equal("f@example.org", fromGrantedNetwork.Record.Fields["email"]);
        Assert.Equal(StatusCode.PermissionDenied, fromElsewhere.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, direct.StatusCode);
    }

    [Fact]
    public async Task ForwardedForFromAPeerThatIsNotATrustedProxyIsIgnored()
    {
        // Arrange: a peer of its own (127.x.y.z, never the trusted 127.0.0.1); one reader granted only the network
        // it would forward, one granted only the peer's own address
        var peer = Platform.NewSource();
        var tenant = Platform.NewId("acme");
        var forwardedOnly = Platform.NewId("staff");
        var peerOnly = Platform.NewId("staff");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("u@example.org") });
        await platform.IssueAsync(forwardedOnly, tenant, ["s1"], [Operation.Read], "10.9.0.0/16", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        await platform.IssueAsync(peerOnly, tenant, ["s1"], [Operation.Read], $"{peer}/32", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        SubjectsClient From(string principal) => new(platform.Channel(platform.GatewayAccess.TokenOf(principal, null, "staff"), peer));
        var request = new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" };

        // Act: each claims, in the header, to be calling from somewhere else
        var claimingTheGrantedNetwork = await Assert.ThrowsAsync<RpcException>(async () =>
            await From(forwardedOnly).GetRecordAsync(request, new Metadata { { "X-Forwarded-For", "10.9.8.7" } }));
        var claimingElsewhere = await From(peerOnly).GetRecordAsync(request, new Metadata { { "X-Forwarded-For", "192.0.2.1" } });

        // Assert: the decision and the trail both go by the peer's address, never the header's
        Assert.Equal(StatusCode.PermissionDenied, claimingTheGrantedNetwork.StatusCode);
        Assert.Equal("u@example.org", claimingElsewhere.Record.Fields["email"]);
        var denied = Assert.Single(await platform.AuditEntriesOfAsync(forwardedOnly), e => e.Record.Action.EndsWith("/GetRecord", StringComparison.Ordinal));
        var allowed = Assert.Single(await platform.AuditEntriesOfAsync(peerOnly), e => e.Record.Action.EndsWith("/GetRecord", StringComparison.Ordinal));
        Assert.Equal(("denied", peer.ToString()), (denied.Record.Outcome, denied.Record.SourceIp));
        Assert.Equal(("allowed", peer.ToString()), (allowed.Record.Outcome, allowed.Record.SourceIp));
    }
}
