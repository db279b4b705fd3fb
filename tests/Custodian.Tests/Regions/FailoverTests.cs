using System.Diagnostics;
using Custodian.Audit;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Incidents;
using Custodian.Regions;
using Custodian.Requests;
using Custodian.Security;
using Custodian.Subjects;
using Custodian.Tests.Incidents;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Xunit.Abstractions;

namespace Custodian.Tests.Regions;

/// <summary>
/// eu-west stops renewing its lease (its link to the witness cut); eu-north takes its tenants over by
/// itself, records it, alerts and mails the officer, and runs the deadlines of a breach opened in eu-west;
/// an erasure made before stays; eu-west, back, records that it gave the tenant up and takes nothing back by
/// itself; the officer fails the tenant back, after which eu-west serves what eu-north wrote.
/// </summary>
public sealed class FailoverTests(FailoverPlatform platform, ITestOutputHelper output) : IClassFixture<FailoverPlatform>
{
    private const string Purpose = "Account management and service messages";

    [Fact]
    public async Task ARegionThatStopsRenewingLosesItsTenantsToItsPairWhichRunsTheirDeadlinesAndGivesThemBackOnlyOnAnOfficersWord()
    {
        var tenant = Platform.NewId("failover");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("s1@example.org") });
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s2", Record = SampleRecords.Contact("s2@example.org") });
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s3", Record = SampleRecords.Contact("s3@example.org") });
        await app.EraseAsync(new EraseRequest { TenantId = tenant, SubjectId = "s3", Reason = "request REQ-7" });

        // A breach whose 72-hour deadline falls 45 s from now: eu-west sends its 24-hour escalation at once.
        var key = Incident.GrainKey(tenant, Platform.NewId("inc"));
        var opened = (await platform.GatewayCluster.GetGrain<IIncidentGrain>(key).OpenAsync(new IncidentOpening(
            DateTimeOffset.UtcNow - TimeSpan.FromHours(72) + TimeSpan.FromSeconds(45), new IncidentFacts(Nature: "Backup copy exposed"), "officer-test"))).Incident!;
        var ids = FailoverPlatform.Points.Select(p => IncidentLifecycle.EscalationMessageId(opened, p)).ToList();
        await Poll.UntilAsync(() => platform.Mail.WithMessageId(ids[0]).Count == 1 ? Task.FromResult(true) : throw new TimeoutException(), TimeSpan.FromSeconds(20));

        // A request filed in eu-west: its month runs there, on the real clock.
        var requestId = Platform.NewId("req");
        var filed = (await platform.GatewayCluster.GetGrain<ISubjectRequestGrain>(SubjectRequest.GrainKey(tenant, requestId))
            .FileAsync(new RequestFiling("s1", RequestKind.Access, RequestChannel.Api, "app-1", null))).Request!;
        Assert.False(filed.Overdue);

        // eu-west can no longer renew: its lease (10 s) runs out, eu-north probes it three times and takes over.
        var clock = Stopwatch.StartNew();
        platform.WitnessLink.Cut();
        var moved = await Poll.UntilAsync(async () => await platform.PlacementOfAsync(tenant) is { } row && row.GetString("Writer") == Platform.PairRegion
            ? row : throw new TimeoutException("not moved yet"), TimeSpan.FromSeconds(40));
        output.WriteLine($"failed over {clock.Elapsed.TotalSeconds:F1} s after eu-west lost the witness: {moved.GetString("MoveReason")}");
        Assert.Equal(2L, moved.GetInt64("Epoch"));
        Assert.Equal(Platform.Region, moved.GetString("MovedFrom"));
        Assert.StartsWith("failover: eu-west's lease ended", moved.GetString("MoveReason"), StringComparison.Ordinal);

        // eu-north serves what eu-west acknowledged, and the erasure holds.
        var north = platform.North;
        Assert.Equal("s2@example.org", (await north.GetGrain<IDataSubjectGrain>($"{tenant}/s2").GetRecordAsync("contact", Purpose)).Record!.Record.Fields["email"]);
        Assert.NotNull((await north.GetGrain<IDataSubjectGrain>($"{tenant}/s3").GetRecordAsync("contact", Purpose)).Erasure);

        // Recorded in eu-north's trail, alerted, and mailed to the officer once.
        var northTrail = new AuditReader(north, Platform.PairRegion, 4);
        var taken = await Poll.UntilAsync(async () => (await northTrail.ReadAllAsync(new AuditQuery(Action: "Regions:Failover"))).FirstOrDefault(e => e.Entry.Record.Target == "tenant:" + tenant)
            ?? throw new TimeoutException("not recorded yet"), TimeSpan.FromSeconds(10));
        Assert.Contains("eu-west -> eu-north at epoch 2; eu-north took the tenant over", taken.Entry.Record.Outcome, StringComparison.Ordinal);
        // (The audit record comes first; the deadlines are re-armed and the alert raised right after it.)
        var alert = await Poll.UntilAsync(async () => (await north.GetGrain<ISecurityAlertsGrain>(Platform.PairRegion).ListAsync(null, 100))
            .FirstOrDefault(a => a.Rule == "region-failover" && a.Detail.Contains($"tenant {tenant} failed over", StringComparison.Ordinal))
            ?? throw new TimeoutException("no alert yet"), TimeSpan.FromSeconds(20));
        Assert.Equal("custodian:region/eu-north", alert.Principal);
        var failoverMail = $"failover.{tenant}.e2@custodian";
        await Poll.UntilAsync(() => platform.Mail.WithMessageId(failoverMail).Count == 1 ? Task.FromResult(true) : throw new TimeoutException(), TimeSpan.FromSeconds(20));
        Assert.Equal([IncidentsPlatform.OfficerEmail], platform.Mail.WithMessageId(failoverMail)[0].Recipients);

        // The breach's remaining escalations come from eu-north, each once, and the 72-hour mark is flagged there.
        await Poll.UntilAsync(
            () => ids.All(id => platform.Mail.WithMessageId(id).Count > 0) ? Task.FromResult(true) : throw new TimeoutException("not every escalation arrived yet"),
            TimeSpan.FromSeconds(60));
        var incident = await Poll.UntilAsync(
            async () => await north.GetGrain<IIncidentGrain>(key).GetAsync() is { Overdue: true } i ? i : throw new TimeoutException("not overdue yet"),
            TimeSpan.FromSeconds(30));
        Assert.All(ids, id => Assert.Single(platform.Mail.WithMessageId(id)));
        Assert.Equal(FailoverPlatform.Points, incident.Escalations.Select(e => e.After));

        // The request's deadline runs in eu-north too: re-armed there, it finds its month gone (eu-north's clock is 40 days on).
        var request = await Poll.UntilAsync(
            async () => await north.GetGrain<ISubjectRequestGrain>(SubjectRequest.GrainKey(tenant, requestId)).GetAsync() is { Overdue: true } r ? r : throw new TimeoutException("not overdue yet"),
            TimeSpan.FromSeconds(30));
        Assert.True(request.OverdueAt > filed.DueAt);
        Assert.Single(request.History, h => h.Action == "overdue");

        // eu-north writes; eu-west, back at the witness, records that it gave the tenant up, and takes nothing back.
        await north.GetGrain<IDataSubjectGrain>($"{tenant}/s1").PutRecordAsync(new PersonalDataRecord(
            "contact", Purpose, Custodian.Subjects.LegalBasis.Contract,
            System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(new Dictionary<string, string> { ["email"] = "s1-north@example.org" })));
        platform.WitnessLink.Restore();
        await Poll.UntilAsync(async () => (await platform.PlacementOfAsync(tenant))!.GetString("MoveAcknowledged") is { } acked && acked.Contains(Platform.Region, StringComparison.Ordinal)
            ? true : throw new TimeoutException("eu-west has not acknowledged"), TimeSpan.FromSeconds(30));
        var given = await platform.AuditEntriesAsync(new AuditQuery(Action: "Regions:Failover"));
        Assert.Contains(given, e => e.Record.Target == "tenant:" + tenant && e.Record.Outcome.Contains("eu-west gave the tenant up", StringComparison.Ordinal));
        await Task.Delay(TimeSpan.FromSeconds(3)); // several probe rounds of eu-west's
        Assert.Equal(Platform.PairRegion, (await platform.PlacementOfAsync(tenant))!.GetString("Writer"));

        // The officer fails back: eu-north resynchronises, compares, and hands the tenant to eu-west at epoch 3.
        var regions = north.GetGrain<IRegionsGrain>(Platform.PairRegion);
        var back = await Poll.UntilAsync(async () => await regions.FailbackAsync(tenant, "officer-1", "drill over: eu-west is back") is { Refusal: null } done
            ? done : throw new TimeoutException("refused"), TimeSpan.FromSeconds(20));
        output.WriteLine($"failed back {back.From} -> {back.To} at epoch {back.Epoch}: {back.Loss}");
        Assert.Equal((Platform.PairRegion, Platform.Region, 3L), (back.From, back.To, back.Epoch));
        var again = await regions.FailbackAsync(tenant, "officer-1", "twice");
        Assert.Contains("not in eu-north", again.Refusal, StringComparison.Ordinal);
        // The provider's own data (principals, grants) moved with eu-west's tenants; it goes back the same way.
        Assert.Null((await regions.FailbackAsync(Incident.ProviderTenant, "officer-1", "drill over: eu-west is back")).Refusal);

        // eu-west serves what eu-north wrote (its old activation of s1 is gone), and s3 stays erased.
        var s1 = await Poll.UntilAsync(async () => await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "s1", Category = "contact", Purpose = "support" }),
            TimeSpan.FromSeconds(15), e => e is Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Unavailable });
        Assert.Equal("s1-north@example.org", s1.Record.Fields["email"]);
        Assert.NotNull((await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "s3", Category = "contact", Purpose = "support" })).Erasure);
    }
}
