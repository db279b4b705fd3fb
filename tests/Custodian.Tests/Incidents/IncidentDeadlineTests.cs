using Custodian.Incidents;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Incidents;

[Collection(IncidentsCollection.Name)]
public sealed class IncidentDeadlineTests(IncidentsPlatform platform)
{
    private static readonly TimeSpan[] Points = [TimeSpan.FromHours(24), TimeSpan.FromHours(48), TimeSpan.FromHours(60), TimeSpan.FromHours(70)];

    [Fact]
    public async Task EscalationsAt24_48_60And70HoursArriveOnceEachAndAt72HoursTheIncidentIsOverdue()
    {
        // Arrange
        var (grain, opened) = await platform.OpenAsync(IncidentsPlatform.Acme, TimeSpan.Zero);
        var aware = opened.AwareAt;

        // Act: ticks just before the first point, twice at it, none at 48 h (a lost tick), then at 61, 70 and 72 h
        platform.Clock.SetUtcNow(aware + TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        var early = await grain.CheckDeadlinesAsync();
        platform.Clock.SetUtcNow(aware + TimeSpan.FromHours(24));
        await grain.CheckDeadlinesAsync();
        var at24 = await grain.CheckDeadlinesAsync();
        platform.Clock.SetUtcNow(aware + TimeSpan.FromHours(61));
        var at61 = await grain.CheckDeadlinesAsync();
        platform.Clock.SetUtcNow(aware + TimeSpan.FromHours(70));
        await grain.CheckDeadlinesAsync();
        var at70 = await grain.CheckDeadlinesAsync();
        platform.Clock.SetUtcNow(aware + TimeSpan.FromHours(72));
        var at72 = await grain.CheckDeadlinesAsync();
        platform.Clock.Advance(TimeSpan.FromHours(5));
        var later = await grain.CheckDeadlinesAsync();

        // Assert: each point once, in order, the lost tick caught up; overdue from 72 h on; each escalation mail arrived once
        Assert.Empty(early!.Escalations);
        Assert.Equal([Points[0]], at24!.Escalations.Select(e => e.After));
        Assert.Equal(Points[..3], at61!.Escalations.Select(e => e.After));
        Assert.Equal(Points, at70!.Escalations.Select(e => e.After));
        Assert.False(at70.Overdue);
        Assert.True(at72!.Overdue);
        Assert.Equal(aware + TimeSpan.FromHours(72), at72.OverdueAt);
        Assert.Equal(at72.History.Length, later!.History.Length);
        Assert.Single(later.History, h => h.Action == "overdue");
        foreach (var point in Points)
        {
            var id = IncidentLifecycle.EscalationMessageId(opened, point);
            var mail = await Poll.UntilAsync(() => platform.Received(id) is [var m] ? Task.FromResult(m) : throw new TimeoutException("escalation not received once: " + id), TimeSpan.FromSeconds(30));
            Assert.Equal([IncidentsPlatform.DpoEmail, IncidentsPlatform.OfficerEmail], mail.Recipients.Order(StringComparer.Ordinal));
            Assert.Contains(opened.IncidentId, mail.Subject);
        }

        Assert.Equal(4, platform.Mail.Received.Count(m => m.MessageId.StartsWith(opened.IncidentId + ".", StringComparison.Ordinal)));
        var audit = await platform.AuditEntriesAsync(new Custodian.Audit.AuditQuery(Actor: IncidentGrain.Actor));
        Assert.Equal(4, audit.Count(e => e.Record.Target.EndsWith(opened.IncidentId, StringComparison.Ordinal) && e.Record.Action == "Incident:Escalation"));
        Assert.Single(audit, e => e.Record.Target.EndsWith(opened.IncidentId, StringComparison.Ordinal) && e.Record.Action == "Incident:Overdue");
    }

    [Fact]
    public async Task ALateAuthorityNoticeWithoutReasonsIsRefusedAndWithReasonsItIsSent()
    {
        // Arrange: aware 73 hours ago, everything known
        var (grain, _) = await platform.OpenAsync(IncidentsPlatform.Acme, TimeSpan.FromHours(73), IncidentsPlatform.CompleteFacts([IncidentsPlatform.Acme]));
        var overdue = await grain.CheckDeadlinesAsync();

        // Act
        var withoutReasons = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Authority, NoticePhase.Final), "officer-test");
        var unchanged = await grain.GetAsync();
        var withReasons = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Authority, NoticePhase.Final, "The breach was found on a weekend; the forensic copy took two days."), "officer-test");

        // Assert
        Assert.True(overdue!.Overdue);
        Assert.Null(withoutReasons.Incident);
        Assert.Contains("reasons for the delay", withoutReasons.Refusal);
        Assert.Empty(unchanged!.Notices);
        var notice = Assert.Single(withReasons.Incident!.Notices);
        Assert.True(notice.Late);
        Assert.False(withReasons.Incident.Overdue);
        var mail = await Poll.UntilAsync(() => platform.Received(notice.MessageIds[0]) is [var m] ? Task.FromResult(m) : throw new TimeoutException(), TimeSpan.FromSeconds(30));
        Assert.Equal([IncidentsPlatform.AuthorityOf(IncidentsPlatform.Acme)], mail.Recipients);
        Assert.Contains("forensic copy took two days", mail.Body);
        Assert.Contains("Reasons for the delay", mail.Body);
    }

    [Fact]
    public async Task AnAuthorityNoticeWithinTheDeadlineStopsTheEscalations()
    {
        var (grain, opened) = await platform.OpenAsync(IncidentsPlatform.Acme, TimeSpan.FromHours(25), IncidentsPlatform.CompleteFacts([IncidentsPlatform.Acme]));

        var sent = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Authority, NoticePhase.Final), "officer-test");
        platform.Clock.Advance(TimeSpan.FromHours(50));
        var after = await grain.CheckDeadlinesAsync();

        Assert.Equal([Points[0]], opened.Escalations.Select(e => e.After));
        Assert.False(Assert.Single(sent.Incident!.Notices).Late);
        Assert.Single(after!.Escalations);
        Assert.Null(after.OverdueAt);
        Assert.False(after.Overdue);
    }
}
