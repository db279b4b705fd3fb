using System.Collections.Immutable;
using Custodian.Audit;
using Custodian.Requests;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Requests;

[Collection(RequestsCollection.Name)]
public sealed class RequestDeadlineTests(RequestsPlatform platform)
{
    [Theory]
    [InlineData(false, 28)]
    [InlineData(true, 29)]
    public async Task RequestReceivedOn31JanuaryIsDueAtTheEndOfFebruary(bool leapYear, int dueDay)
    {
        // Arrange
        var received = platform.MoveToNext(1, 31, leapYear);

        // Act
        var request = await platform.FileAsync(Platform.NewId("acme"), Platform.NewId("req"));

        // Assert
        Assert.Equal(received, request.ReceivedAt);
        Assert.Equal(new DateTimeOffset(received.Year, 2, dueDay, 10, 15, 0, TimeSpan.Zero), request.DueAt);
        Assert.Equal(request.DueAt, request.FirstMonthDueAt);
        Assert.Equal((RequestStatus.Open, IdentityCheck.Pending), (request.Status, request.Identity));
    }

    [Fact]
    public async Task AFilingTheGatewayWouldRefuseIsRefusedByTheGrainAndFilesNothing()
    {
        // Arrange: the grains called directly, not through the gateway
        var tenant = Platform.NewId("acme");
        var apiWithReceipt = platform.Request(tenant, Platform.NewId("req"));
        var badKey = platform.Request(tenant, "req 1");

        // Act
        var received = await apiWithReceipt.FileAsync(new RequestFiling("s1", RequestKind.Access, RequestChannel.Api, "app-1", platform.Clock.GetUtcNow().AddDays(-3)));
        var keyed = await badKey.FileAsync(new RequestFiling("s1", RequestKind.Access, RequestChannel.Helpdesk, "staff-1", null));

        // Assert
        Assert.Equal("received_at", Assert.Single(received.Violations).Field);
        Assert.Equal("request_id", Assert.Single(keyed.Violations).Field);
        Assert.Null(await apiWithReceipt.GetAsync());
        Assert.Null(await badKey.GetAsync());
    }

    [Fact]
    public async Task ExtensionWithoutReasonsIsRefusedAndChangesNothing()
    {
        var tenant = Platform.NewId("acme");
        var id = Platform.NewId("req");
        var filed = await platform.FileAsync(tenant, id);

        var result = await platform.Request(tenant, id).ExtendAsync(1, "  ", "officer-1");
        var after = await platform.Request(tenant, id).GetAsync();

        Assert.Equal("reasons", Assert.Single(result.Violations).Field);
        Assert.Null(result.Request);
        Assert.Null(after!.Extension);
        Assert.Equal(filed.DueAt, after.DueAt);
        Assert.Equal(filed.History.Length, after.History.Length);
    }

    [Fact]
    public async Task ExtensionAfterTheFirstMonthIsRefusedAndChangesNothing()
    {
        // Arrange: the first month has just ended
        var tenant = Platform.NewId("acme");
        var id = Platform.NewId("req");
        var filed = await platform.FileAsync(tenant, id);
        platform.Clock.SetUtcNow(filed.FirstMonthDueAt);

        // Act
        var result = await platform.Request(tenant, id).ExtendAsync(2, "many records across systems", "officer-1");
        var after = await platform.Request(tenant, id).GetAsync();

        // Assert
        Assert.Contains("first month has ended", result.Refusal);
        Assert.Null(after!.Extension);
        Assert.Equal(filed.DueAt, after.DueAt);
    }

    [Fact]
    public async Task ExtensionsAddUpToTwoFurtherMonthsFromReceiptAndNoMore()
    {
        var tenant = Platform.NewId("acme");
        var id = Platform.NewId("req");
        var filed = await platform.FileAsync(tenant, id);
        platform.Clock.Advance(TimeSpan.FromDays(5));

        var first = await platform.Request(tenant, id).ExtendAsync(1, "complex request", "officer-1");
        var second = await platform.Request(tenant, id).ExtendAsync(1, "many requests this month", "officer-1");
        var third = await platform.Request(tenant, id).ExtendAsync(1, "still more", "officer-1");
        var after = await platform.Request(tenant, id).GetAsync();

        Assert.Equal(DueDates.AddCalendarMonths(filed.ReceivedAt, 2), first.Request!.DueAt);
        Assert.Equal(DueDates.AddCalendarMonths(filed.ReceivedAt, 3), second.Request!.DueAt);
        Assert.Equal(2, second.Request.Extension!.Months);
        Assert.Equal(platform.Clock.GetUtcNow(), second.Request.Extension.InformedAt);
        Assert.Contains("2 further months at most", third.Refusal);
        Assert.Equal(second.Request.DueAt, after!.DueAt);
        Assert.Equal(filed.FirstMonthDueAt, after.FirstMonthDueAt);
    }

    [Fact]
    public async Task PauseAndResumeMoveTheDueDateAndTheExtendedDueDateByExactlyThePausedTime()
    {
        // Arrange: an extended request
        var tenant = Platform.NewId("acme");
        var id = Platform.NewId("req");
        var filed = await platform.FileAsync(tenant, id);
        platform.Clock.Advance(TimeSpan.FromDays(2));
        var extended = (await platform.Request(tenant, id).ExtendAsync(1, "complex request", "officer-1")).Request!;
        platform.Clock.Advance(TimeSpan.FromDays(1));
        var paused = TimeSpan.FromDays(5) + TimeSpan.FromHours(4) + TimeSpan.FromSeconds(17);

        // Act
        var pause = await platform.Request(tenant, id).PauseAsync("officer-1");
        platform.Clock.Advance(paused);
        var resume = await platform.Request(tenant, id).ResumeAsync("officer-1");

        // Assert
        Assert.Equal(RequestStatus.Paused, pause.Request!.Status);
        Assert.Equal(RequestStatus.Open, resume.Request!.Status);
        Assert.Equal(extended.DueAt + paused, resume.Request.DueAt);
        Assert.Equal(filed.FirstMonthDueAt + paused, resume.Request.FirstMonthDueAt);
        var only = Assert.Single(resume.Request.Pauses);
        Assert.Equal(paused, only.Until - only.From);
    }

    [Fact]
    public async Task ARestrictionRequestIsFulfilledOnlyOnceTheSubjectIsRestrictedAndAnErasureUnderAHoldOnlyPartially()
    {
        // Arrange: a restriction request and an erasure request about a subject with one record, identities verified
        var tenant = Platform.NewId("acme");
        var (restrictionId, erasureId) = (Platform.NewId("req"), Platform.NewId("req"));
        await platform.FileAsync(tenant, restrictionId, kind: RequestKind.Restriction);
        await platform.FileAsync(tenant, erasureId, kind: RequestKind.Erasure);
        var (restriction, erasure) = (platform.Request(tenant, restrictionId), platform.Request(tenant, erasureId));
        await restriction.CheckIdentityAsync(true, "officer-1");
        await erasure.CheckIdentityAsync(true, "officer-1");
        var subject = platform.SiloGrains.GetGrain<IDataSubjectGrain>(new SubjectRef(tenant, "s1").GrainKey);
        await subject.PutRecordAsync(new PersonalDataRecord("contact", "Account", LegalBasis.Contract, ImmutableSortedDictionary.CreateRange(new Dictionary<string, string> { ["email"] = "r@example.org" })));
        await subject.PlaceLegalHoldAsync(new LegalHold(ErasureException.LegalClaims, [], DateTimeOffset.UtcNow, "officer-1"));
        var fulfilled = new RequestClosing(OutcomeKind.Fulfilled, null, RefusalGround.None, false);

        // Act
        var tooEarly = await restriction.CloseAsync(fulfilled, "officer-1");
        await subject.RestrictAsync(RestrictionGround.AccuracyContested, "officer-1");
        var done = await restriction.CloseAsync(fulfilled, "officer-1");
        var held = await subject.EraseAsync("officer-1", erasureId, partial: true);
        var erasureFulfilled = await erasure.CloseAsync(fulfilled, "officer-1");
        var erasurePartial = await erasure.CloseAsync(new RequestClosing(OutcomeKind.PartiallyFulfilled, "kept for legal claims, Art. 17(3)(e)", RefusalGround.None, false), "officer-1");

        // Assert
        Assert.Contains("not restricted", tooEarly.Refusal);
        Assert.Equal(RequestStatus.Closed, done.Request!.Status);
        Assert.Null(held.Erasure);
        Assert.Contains("legal hold", erasureFulfilled.Refusal);
        Assert.Equal(OutcomeKind.PartiallyFulfilled, erasurePartial.Request!.Outcome!.Kind);
    }

    [Fact]
    public async Task IllegalTransitionsAreRefusedWithAReasonAndChangeNothing()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var id = Platform.NewId("req");
        await platform.FileAsync(tenant, id);
        var grain = platform.Request(tenant, id);
        var fulfilled = new RequestClosing(OutcomeKind.Fulfilled, null, RefusalGround.None, false);

        // Act
        var resumeWhenOpen = await grain.ResumeAsync("officer-1");
        var fulfilBeforeVerified = await grain.CloseAsync(fulfilled, "officer-1");
        var unchanged = await grain.GetAsync();
        await grain.CheckIdentityAsync(true, "officer-1");
        var verifyTwice = await grain.CheckIdentityAsync(true, "officer-1");
        var close = await grain.CloseAsync(fulfilled, "officer-1");
        var closeTwice = await grain.CloseAsync(new RequestClosing(OutcomeKind.Refused, "repetitive", RefusalGround.Excessive, true), "officer-1");
        var pauseClosed = await grain.PauseAsync("officer-1");
        var extendClosed = await grain.ExtendAsync(1, "complex", "officer-1");
        var final = await grain.GetAsync();
        var unknown = await platform.Request(tenant, Platform.NewId("req")).PauseAsync("officer-1");

        // Assert
        Assert.Contains("Only a paused request can be resumed", resumeWhenOpen.Refusal);
        Assert.Contains("verified requester", fulfilBeforeVerified.Refusal);
        Assert.Equal((RequestStatus.Open, null, 1), (unchanged!.Status, unchanged.Outcome, unchanged.History.Length));
        Assert.Contains("already verified", verifyTwice.Refusal);
        Assert.Equal(RequestStatus.Closed, close.Request!.Status);
        Assert.All([closeTwice, pauseClosed, extendClosed], r => Assert.NotNull(r.Refusal));
        Assert.Contains("closed", closeTwice.Refusal);
        Assert.Equal(OutcomeKind.Fulfilled, final!.Outcome!.Kind);
        Assert.Equal(close.Request.History.Length, final.History.Length);
        Assert.True(unknown.NotFound);
    }

    [Fact]
    public async Task RefusalNeedsItsGroundAndTheSubjectToldOfTheRemedies()
    {
        var tenant = Platform.NewId("acme");
        var id = Platform.NewId("req");
        await platform.FileAsync(tenant, id);

        var incomplete = await platform.Request(tenant, id).CloseAsync(new RequestClosing(OutcomeKind.Refused, "", RefusalGround.None, false), "officer-1");
        var refused = await platform.Request(tenant, id).CloseAsync(new RequestClosing(OutcomeKind.Refused, "fifth identical request this month", RefusalGround.Excessive, true), "officer-1");

        Assert.Equal(["reason", "ground", "subject_told_of_remedies"], incomplete.Violations.Select(v => v.Field));
        Assert.Equal((OutcomeKind.Refused, RefusalGround.Excessive, true), (refused.Request!.Outcome!.Kind, refused.Request.Outcome.Ground, refused.Request.Outcome.SubjectToldOfRemedies));
    }

    [Fact]
    public async Task WarningsArriveOnceEachAtTheConfiguredPointsAndTheRequestGoesOverdueAtItsDueDate()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var id = Platform.NewId("req");
        var filed = await platform.FileAsync(tenant, id);
        var grain = platform.Request(tenant, id);
        var observed = new List<(int Warnings, bool Overdue)>();
        async Task TickAt(DateTimeOffset at)
        {
            platform.Clock.SetUtcNow(at);
            var request = await grain.CheckDeadlinesAsync();
            var again = await grain.CheckDeadlinesAsync(); // a duplicate tick
            Assert.Equal(request!.History.Length, again!.History.Length);
            observed.Add((again.Warnings.Length, again.Overdue));
        }

        // Act
        await TickAt(filed.DueAt - TimeSpan.FromDays(10) - TimeSpan.FromSeconds(1));
        await TickAt(filed.DueAt - TimeSpan.FromDays(10));
        await TickAt(filed.DueAt - TimeSpan.FromDays(3) - TimeSpan.FromSeconds(1));
        await TickAt(filed.DueAt - TimeSpan.FromDays(3));
        await TickAt(filed.DueAt - TimeSpan.FromSeconds(1));
        await TickAt(filed.DueAt);
        await TickAt(filed.DueAt + TimeSpan.FromDays(1));
        var final = await grain.GetAsync();
        var audited = await platform.AuditEntriesAsync(new AuditQuery(Actor: SubjectRequestGrain.Actor, Target: "request:" + id));

        // Assert
        Assert.Equal([(0, false), (1, false), (1, false), (2, false), (2, false), (2, true), (2, true)], observed);
        Assert.Equal(RequestsPlatform.WarnBefore, final!.Warnings.Select(w => w.Before));
        Assert.Equal(filed.DueAt, final.OverdueAt);
        Assert.Equal(["Request:Warning", "Request:Warning", "Request:Overdue"], audited.Select(e => e.Record.Action));
        Assert.DoesNotContain(audited, e => e.Record.Target.Contains("s1", StringComparison.Ordinal) || e.Record.Outcome.Contains("s1", StringComparison.Ordinal));
        Assert.Contains(platform.Logs.Lines, l => l.Contains(id, StringComparison.Ordinal) && l.Contains("is overdue", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TicksLostUntilAfterTheDueDateStillIssueEveryWarningOnce()
    {
        var tenant = Platform.NewId("acme");
        var id = Platform.NewId("req");
        var filed = await platform.FileAsync(tenant, id);
        platform.Clock.SetUtcNow(filed.DueAt + TimeSpan.FromHours(1));

        var request = await platform.Request(tenant, id).CheckDeadlinesAsync();

        Assert.Equal(RequestsPlatform.WarnBefore, request!.Warnings.Select(w => w.Before));
        Assert.True(request.Overdue);
        Assert.Equal(["filed", "warned", "warned", "overdue"], request.History.Select(h => h.Action));
    }

    [Fact]
    public async Task AnExtensionGivesTheNewDueDateWarningsOfItsOwn()
    {
        var tenant = Platform.NewId("acme");
        var id = Platform.NewId("req");
        var filed = await platform.FileAsync(tenant, id);
        platform.Clock.SetUtcNow(filed.DueAt - TimeSpan.FromDays(5));
        var warnedOnce = await platform.Request(tenant, id).CheckDeadlinesAsync();
        var extended = (await platform.Request(tenant, id).ExtendAsync(1, "complex request", "officer-1")).Request!;
        platform.Clock.SetUtcNow(extended.DueAt - TimeSpan.FromDays(10));

        var warnedAgain = await platform.Request(tenant, id).CheckDeadlinesAsync();

        Assert.Equal([filed.DueAt], warnedOnce!.Warnings.Select(w => w.DueAt));
        Assert.Equal([filed.DueAt, extended.DueAt], warnedAgain!.Warnings.Select(w => w.DueAt));
        Assert.False(warnedAgain.Overdue);
    }
}
