using Custodian.Audit;
using Custodian.Incidents;
using Custodian.Mail;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Incidents;

/// <summary>The platform with the silo in a child process, escalations configured seconds before the 72-hour deadline.</summary>
public sealed class IncidentsProcessPlatform : ProcessSiloPlatform
{
    /// <summary>The configured escalation points: 24 h, and 8 and 4 seconds before the deadline.</summary>
    public static readonly TimeSpan[] Points = [TimeSpan.FromHours(24), TimeSpan.FromHours(72) - TimeSpan.FromSeconds(8), TimeSpan.FromHours(72) - TimeSpan.FromSeconds(4)];

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() =>
    [
        new("Incidents:OfficerEmail", IncidentsPlatform.OfficerEmail),
        new("Incidents:DpoEmail", IncidentsPlatform.DpoEmail),
        .. Points.Select((p, i) => new KeyValuePair<string, string?>($"Incidents:EscalateAfter:{i}", p.ToString("c", System.Globalization.CultureInfo.InvariantCulture))),
    ];
}

public sealed class IncidentSiloLossTests(IncidentsProcessPlatform platform) : IClassFixture<IncidentsProcessPlatform>
{
    [Fact]
    public async Task EscalationsAfterTheSiloIsKilledStillArriveExactlyOnceAndTheDeadlineIsStillFlagged()
    {
        // Arrange: an incident whose deadline is 16 s away; its 24 h escalation is sent at once and delivered
        var key = Incident.GrainKey(IncidentsPlatform.Acme, Platform.NewId("inc"));
        var opened = (await platform.GatewayCluster.GetGrain<IIncidentGrain>(key).OpenAsync(new IncidentOpening(
            DateTimeOffset.UtcNow - TimeSpan.FromHours(72) + TimeSpan.FromSeconds(16), new IncidentFacts(Nature: "Storage copy exposed"), "officer-test"))).Incident!;
        var ids = IncidentsProcessPlatform.Points.Select(p => IncidentLifecycle.EscalationMessageId(opened, p)).ToList();
        await Poll.UntilAsync(
            async () => (await platform.GatewayCluster.GetGrain<IIncidentGrain>(key).GetDeliveriesAsync()) is [{ State: MailDeliveryState.Delivered }] ? true : throw new TimeoutException(),
            TimeSpan.FromSeconds(20));

        // Act: the silo dies before the next two points and the deadline, and comes back after all of them
        await platform.KillSiloAsync();
        await Poll.UntilAsync(() => DateTimeOffset.UtcNow > opened.DeadlineAt ? Task.FromResult(true) : throw new TimeoutException(), TimeSpan.FromSeconds(30));
        await platform.StartAgainAsync();
        await Poll.UntilAsync(
            () => ids.All(id => platform.Mail.WithMessageId(id).Count > 0) ? Task.FromResult(true) : throw new TimeoutException("not every escalation arrived yet"),
            TimeSpan.FromSeconds(120));
        var incident = await Poll.UntilAsync(
            async () => await platform.GatewayCluster.GetGrain<IIncidentGrain>(key).GetAsync() is { Overdue: true } i ? i : throw new TimeoutException("not overdue yet"),
            TimeSpan.FromSeconds(30),
            e => e is TimeoutException or Orleans.Runtime.OrleansException or TimeoutException);

        var trail = await new AuditReader(platform.GatewayCluster, Platform.Region, 4).ReadAllAsync(new AuditQuery(Actor: IncidentGrain.Actor, Target: $"incident:{key}"));

        // Assert: each escalation exactly once (by id, by reception and in the audit trail), and the 72 h obligation flagged
        Assert.Equal(IncidentsProcessPlatform.Points, incident.Escalations.Select(e => e.After));
        Assert.All(ids, id => Assert.Single(platform.Mail.WithMessageId(id)));
        Assert.True(incident.Overdue);
        Assert.True(incident.OverdueAt >= opened.DeadlineAt);
        Assert.Single(incident.History, h => h.Action == "overdue");

        // The trail names a point in hours to two decimals, so 72 h - 8 s and 72 h - 4 s both read "72 h": one entry per point is
        // one "24 h" and two "72 h", no more, whichever side of the kill each was written on.
        var deadline = opened.DeadlineAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            [$"escalated 24 h after awareness; deadline {deadline}", $"escalated 72 h after awareness; deadline {deadline}", $"escalated 72 h after awareness; deadline {deadline}"],
            trail.Where(e => e.Entry.Record.Action == "Incident:Escalation").Select(e => e.Entry.Record.Outcome).Order(StringComparer.Ordinal));
        Assert.Single(trail, e => e.Entry.Record.Action == "Incident:Overdue");
    }
}
