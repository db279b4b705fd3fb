using Custodian.Audit;
using Custodian.Gateway.Protos.Requests;
using Custodian.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using AccessProto = Custodian.Gateway.Protos.Access;
using RequestsClient = Custodian.Gateway.Protos.Requests.Requests.RequestsClient;

namespace Custodian.Tests.Requests;

[Collection(RequestsCollection.Name)]
public sealed class RequestsApiTests(RequestsPlatform platform)
{
    [Fact]
    public async Task ClientApplicationFilesARequestOverTheApiDueOneCalendarMonthFromReceipt()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var app = platform.RequestsAs("app-" + tenant, tenant, "app");

        // Act
        var filed = await app.FileRequestAsync(new FileRequestRequest { TenantId = tenant, SubjectId = "s1", Kind = RequestKind.Portability, Channel = RequestChannel.Api });
        var decisions = await platform.AuditEntriesAsync(new AuditQuery(Actor: "app-" + tenant));

        // Assert
        var request = filed.Request;
        Assert.StartsWith("req-", filed.RequestId);
        Assert.Equal((RequestKind.Portability, RequestChannel.Api, "app-" + tenant), (request.Kind, request.Channel, request.EnteredBy));
        Assert.Equal(Custodian.Requests.DueDates.FirstMonth(request.ReceivedAt.ToDateTimeOffset()), request.DueAt.ToDateTimeOffset());
        Assert.Equal((IdentityCheck.Pending, RequestStatus.Open), (request.Identity, request.Status));
        Assert.Equal(
            [("allowed", platform.AuditKeys.Subject(tenant, "s1"), "role:app"), ("done", "request:" + filed.RequestId, "role:app")],
            decisions.Select(e => (e.Record.Outcome, e.Record.Target, e.Record.GrantId)));
    }

    [Fact]
    public async Task StaffHoldingAGrantFilesAHelpdeskRequestReceivedEarlier()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var staff = Platform.NewId("staff");
        var grant = await IssueGrantAsync(staff, tenant, AccessProto.Operation.FileRequest);
        var received = platform.Clock.GetUtcNow().AddDays(-3);

        // Act
        var filed = await platform.RequestsAs(staff, null, "staff").FileRequestAsync(new FileRequestRequest
        {
            TenantId = tenant, SubjectId = "s1", Kind = RequestKind.Erasure, Channel = RequestChannel.Helpdesk, ReceivedAt = Timestamp.FromDateTimeOffset(received),
        });
        var decision = (await platform.AuditEntriesAsync(new AuditQuery(Actor: staff))).First();

        // Assert
        Assert.Equal((RequestChannel.Helpdesk, staff), (filed.Request.Channel, filed.Request.EnteredBy));
        Assert.Equal(received, filed.Request.ReceivedAt.ToDateTimeOffset());
        Assert.Equal(Custodian.Requests.DueDates.FirstMonth(received), filed.Request.DueAt.ToDateTimeOffset());
        Assert.Equal(("allowed", grant.GrantId), (decision.Record.Outcome, decision.Record.GrantId));
    }

    [Fact]
    public async Task StaffWithoutAGrantForFilingIsDeniedAndNothingIsFiled()
    {
        // Arrange: a grant to read the subject, not to file requests for it
        var tenant = Platform.NewId("acme");
        var staff = Platform.NewId("staff");
        await IssueGrantAsync(staff, tenant, AccessProto.Operation.Read);

        // Act
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await platform.RequestsAs(staff, null, "staff").FileRequestAsync(
            new FileRequestRequest { TenantId = tenant, SubjectId = "s1", Kind = RequestKind.Access, Channel = RequestChannel.Helpdesk }));
        var open = await Officer().ListRequestsAsync(new ListRequestsRequest { TenantId = tenant });
        var audited = await platform.AuditEntriesAsync(new AuditQuery(Actor: staff));

        // Assert
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Empty(open.Requests);
        Assert.Contains(audited, e => e.Record.Outcome == "denied" && e.Record.Action.EndsWith("/FileRequest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadInputIsRefusedWithTheOffendingFieldAndChangesNothing()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var app = platform.RequestsAs("app-" + tenant, tenant, "app");
        var officer = Officer();
        var filed = await app.FileRequestAsync(new FileRequestRequest { TenantId = tenant, SubjectId = "s1", Kind = RequestKind.Access, Channel = RequestChannel.Api });
        var at = new RequestRef { TenantId = tenant, RequestId = filed.RequestId };

        // Act
        var unknownKind = await ErrorOf(() => app.FileRequestAsync(new FileRequestRequest { TenantId = tenant, SubjectId = "s1", Kind = (RequestKind)42, Channel = RequestChannel.Api }));
        var appAsHelpdesk = await ErrorOf(() => app.FileRequestAsync(new FileRequestRequest { TenantId = tenant, SubjectId = "s1", Kind = RequestKind.Access, Channel = RequestChannel.Helpdesk }));
        var noReasons = await ErrorOf(() => officer.ExtendRequestAsync(new ExtendRequestRequest { TenantId = tenant, RequestId = filed.RequestId, Months = 1 }));
        var threeMonths = await ErrorOf(() => officer.ExtendRequestAsync(new ExtendRequestRequest { TenantId = tenant, RequestId = filed.RequestId, Months = 3, Reasons = "complex" }));
        var unknownRequest = await ErrorOf(() => officer.PauseRequestAsync(new RequestRef { TenantId = tenant, RequestId = "req-unknown" }));
        var badId = await ErrorOf(() => officer.GetRequestAsync(new RequestRef { TenantId = tenant, RequestId = "a/b" }));
        var resumeOpen = await ErrorOf(() => officer.ResumeRequestAsync(at));
        var after = await officer.GetRequestAsync(at);
        var open = await officer.ListRequestsAsync(new ListRequestsRequest { TenantId = tenant });

        // Assert
        Assert.Equal((StatusCode.InvalidArgument, "kind"), unknownKind);
        Assert.Equal((StatusCode.InvalidArgument, "channel"), appAsHelpdesk);
        Assert.Equal((StatusCode.InvalidArgument, "reasons"), noReasons);
        Assert.Equal((StatusCode.InvalidArgument, "months"), threeMonths);
        Assert.Equal((StatusCode.InvalidArgument, "request_id"), badId);
        Assert.Equal(StatusCode.NotFound, unknownRequest.Status);
        Assert.Equal(StatusCode.FailedPrecondition, resumeOpen.Status);
        Assert.Equal(filed.Request, after.Request);
        Assert.Equal([filed.RequestId], open.Requests.Select(r => r.RequestId));
    }

    [Fact]
    public async Task OfficerTakesARequestThroughItsTransitionsAndEachIsAudited()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var filed = await platform.RequestsAs("app-" + tenant, tenant, "app").FileRequestAsync(
            new FileRequestRequest { TenantId = tenant, SubjectId = "s1", Kind = RequestKind.Rectification, Channel = RequestChannel.Api });
        var officer = Officer();
        var at = new RequestRef { TenantId = tenant, RequestId = filed.RequestId };

        // Act
        await officer.CheckIdentityAsync(new CheckIdentityRequest { TenantId = tenant, RequestId = filed.RequestId, Verified = true });
        await officer.PauseRequestAsync(at);
        await officer.ResumeRequestAsync(at);
        await officer.ExtendRequestAsync(new ExtendRequestRequest { TenantId = tenant, RequestId = filed.RequestId, Months = 1, Reasons = "records in three systems" });
        var closed = await officer.CloseRequestAsync(new CloseRequestRequest
        {
            TenantId = tenant, RequestId = filed.RequestId, Outcome = OutcomeKind.PartiallyFulfilled, Reason = "one field is kept under a legal hold",
        });
        var open = await officer.ListRequestsAsync(new ListRequestsRequest { TenantId = tenant });
        var audited = await platform.AuditEntriesAsync(new AuditQuery(Actor: RequestsPlatform.Officer, Target: "request:" + filed.RequestId));

        // Assert
        Assert.Equal(RequestStatus.Closed, closed.Request.Status);
        Assert.Equal(["filed", "identity verified", "paused", "resumed", "extended", "closed"], closed.Request.History.Select(h => h.Action));
        Assert.Equal(OutcomeKind.PartiallyFulfilled, closed.Request.Outcome.Kind);
        Assert.Empty(open.Requests);
        Assert.Equal(
            ["CheckIdentity", "PauseRequest", "ResumeRequest", "ExtendRequest", "CloseRequest"],
            audited.Where(e => e.Record.Outcome == "done").Select(e => e.Record.Action.Split('/')[^1]));
        Assert.Equal(5, audited.Count(e => e.Record.Outcome == "allowed"));
        Assert.DoesNotContain(audited, e => e.Record.Outcome.Contains("legal hold", StringComparison.Ordinal) || e.Record.Target.Contains("s1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OfficersListShowsOpenDueSoonAndOverdueRequests()
    {
        // Arrange: one request due in a month, one in 5 days, one past due, one closed
        var tenant = Platform.NewId("acme");
        var now = platform.Clock.GetUtcNow();
        var fresh = await platform.FileAsync(tenant, Platform.NewId("req"));
        var dueSoon = await platform.FileAsync(tenant, Platform.NewId("req"), DueDates(now, days: 5));
        var overdue = await platform.FileAsync(tenant, Platform.NewId("req"), DueDates(now, days: -2));
        var closed = await platform.FileAsync(tenant, Platform.NewId("req"));
        await platform.Request(tenant, closed.RequestId).CloseAsync(new Custodian.Requests.RequestClosing(
            Custodian.Requests.OutcomeKind.Refused, "manifestly unfounded", Custodian.Requests.RefusalGround.ManifestlyUnfounded, true), "officer-1");
        await platform.Request(tenant, overdue.RequestId).CheckDeadlinesAsync();

        // Act
        var officer = Officer();
        async Task<string[]> List(RequestListing listing) =>
            [.. (await officer.ListRequestsAsync(new ListRequestsRequest { TenantId = tenant, Listing = listing })).Requests.Select(r => r.RequestId)];
        var open = await List(RequestListing.Open);
        var soon = await List(RequestListing.DueSoon);
        var late = await List(RequestListing.Overdue);
        var asApp = await Assert.ThrowsAsync<RpcException>(async () => await platform.RequestsAs("app-" + tenant, tenant, "app").ListRequestsAsync(new ListRequestsRequest { TenantId = tenant }));

        // Assert: soonest due first
        Assert.Equal([overdue.RequestId, dueSoon.RequestId, fresh.RequestId], open);
        Assert.Equal([dueSoon.RequestId], soon);
        Assert.Equal([overdue.RequestId], late);
        Assert.Equal(StatusCode.PermissionDenied, asApp.StatusCode);
    }

    [Fact]
    public async Task ReasonsTypedAboutTheSubjectNeverReachTheLogsOrTheAuditTrail()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var secret = Platform.NewId("reason-mentions-diagnosis");
        var filed = await platform.RequestsAs("app-" + tenant, tenant, "app").FileRequestAsync(
            new FileRequestRequest { TenantId = tenant, SubjectId = "s1", Kind = RequestKind.Access, Channel = RequestChannel.Api });
        var officer = Officer();

        // Act
        await officer.ExtendRequestAsync(new ExtendRequestRequest { TenantId = tenant, RequestId = filed.RequestId, Months = 2, Reasons = "extension " + secret });
        var closed = await officer.CloseRequestAsync(new CloseRequestRequest
        {
            TenantId = tenant, RequestId = filed.RequestId, Outcome = OutcomeKind.Refused, Reason = "refusal " + secret,
            Ground = RefusalGround.ManifestlyUnfounded, SubjectToldOfRemedies = true,
        });
        var stored = await platform.Request(tenant, filed.RequestId).GetAsync();
        var audited = await platform.AuditEntriesAsync(new AuditQuery(Target: "request:" + filed.RequestId));

        // Assert
        Assert.Contains(secret, closed.Request.Outcome.Reason);
        Assert.Contains(secret, closed.Request.Extension.Reasons);
        Assert.DoesNotContain(platform.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        Assert.NotEmpty(audited);
        Assert.DoesNotContain(audited, e => $"{e.Record}".Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(secret, stored!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored.Outcome!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored.Extension!.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A receipt time whose first month ends <paramref name="days"/> days from <paramref name="now"/> (give or take the calendar).</summary>
    private static DateTimeOffset DueDates(DateTimeOffset now, int days) => now.AddMonths(-1).AddDays(days);

    private RequestsClient Officer() => platform.RequestsAs(RequestsPlatform.Officer, null, "officer");

    private async Task<AccessProto.Grant> IssueGrantAsync(string staff, string tenant, AccessProto.Operation operation) =>
        await platform.Access(RequestsPlatform.Officer, "officer").IssueGrantAsync(new AccessProto.IssueGrantRequest
        {
            Principal = staff,
            Scope = new AccessProto.GrantScope { TenantId = tenant, SubjectIds = { "s1" } },
            Operations = { operation },
            Purpose = "helpdesk",
            Justification = "ticket T-12",
            Cidrs = { "127.0.0.0/8" },
            ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)),
        });

    private static async Task<(StatusCode Status, string? Field)> ErrorOf<T>(Func<AsyncUnaryCall<T>> call)
    {
        try
        {
            await call();
            return (StatusCode.OK, null);
        }
        catch (RpcException e)
        {
            var field = e.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.FirstOrDefault()?.Field;
            return (e.StatusCode, field);
        }
    }
}
