using System.Text.Json;
using Custodian.Incidents;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Incidents;

[Collection(IncidentsCollection.Name)]
public sealed class IncidentLifecycleTests(IncidentsPlatform platform)
{
    private const string Officer = "officer-test";

    [Fact]
    public async Task IllegalTransitionsAreRefusedWithAReasonAndChangeNothing()
    {
        // Arrange: a draft, as a security-report rule opens it
        var grain = platform.Incident(IncidentsPlatform.Acme, Platform.NewId("inc"));
        var draft = await grain.OpenDraftAsync(platform.Clock.GetUtcNow(), "rule fired", "security-report:volume", "alert-1");

        // Act and assert, step by step
        var noticeOnDraft = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Authority, NoticePhase.First), Officer);
        Assert.Contains("draft", noticeOnDraft.Refusal);
        Assert.Equal(IncidentStatus.Open, (await grain.ConfirmAsync(Officer)).Incident!.Status);
        Assert.Contains("Only a draft", (await grain.ConfirmAsync(Officer)).Refusal);
        Assert.Contains("not assessed", (await grain.CloseAsync(Officer)).Refusal);
        await grain.UpdateAsync(new IncidentFacts(Risk: RiskLevel.Risk), Officer);
        Assert.Contains("not been notified", (await grain.CloseAsync(Officer)).Refusal);
        var subjects = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Subjects, NoticePhase.First), Officer);
        Assert.Contains("high-risk", subjects.Refusal);
        await grain.UpdateAsync(new IncidentFacts(Risk: RiskLevel.None), Officer);
        var closed = await grain.CloseAsync(Officer);
        Assert.Equal(IncidentStatus.Closed, closed.Incident!.Status);
        var before = await grain.GetAsync();
        Assert.Contains("closed", (await grain.UpdateAsync(new IncidentFacts(Measures: "more"), Officer)).Refusal);
        Assert.Contains("already closed", (await grain.CloseAsync(Officer)).Refusal);
        Assert.Contains("closed", (await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Customer, NoticePhase.Final), Officer)).Refusal);
        Assert.Contains("Only a draft", (await grain.ConfirmAsync(Officer)).Refusal);
        var after = await grain.GetAsync();
        Assert.Equal(before!.History.Length, after!.History.Length);
        Assert.Null(after.Measures);
        Assert.Equal(draft.AwareAt + TimeSpan.FromHours(72), after.DeadlineAt);
        Assert.Equal(["drafted", "confirmed", "updated", "updated", "closed"], after.History.Select(h => h.Action));
    }

    [Fact]
    public async Task AnOpeningWithBadFieldsNamesThemAndAnIncidentOpensOnce()
    {
        var grain = platform.Incident(IncidentsPlatform.Acme, Platform.NewId("inc"));

        var bad = await grain.OpenAsync(new IncidentOpening(platform.Clock.GetUtcNow().AddHours(1), new IncidentFacts(
            Nature: "x", ApproximateSubjects: -1, AffectedSubjects: ["no-slash"], AffectedTenants: ["bad tenant"]), Officer));
        var good = await grain.OpenAsync(new IncidentOpening(platform.Clock.GetUtcNow(), new IncidentFacts(Nature: "x"), Officer));
        var again = await grain.OpenAsync(new IncidentOpening(platform.Clock.GetUtcNow(), new IncidentFacts(Nature: "y"), Officer));

        Assert.Equal(new[] { "affected_subjects[0]", "affected_tenants[0]", "approximate_subjects", "aware_at" }, bad.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.Equal(IncidentStatus.Open, good.Incident!.Status);
        Assert.Contains("already", again.Refusal);
        Assert.Equal("x", (await grain.GetAsync())!.Nature);
    }

    [Theory]
    [InlineData("bad id!", "incident_id")]
    [InlineData("", "incident_id")]
    public async Task AnIncidentWhoseKeyTheGatewayWouldRefuseIsNotOpenedByItsGrain(string incidentId, string field)
    {
        // Arrange: the grain called directly, under a key the gateway would not form
        var grain = platform.SiloGrains.GetGrain<IIncidentGrain>(Incident.GrainKey(IncidentsPlatform.Acme, incidentId));

        // Act
        var opened = await grain.OpenAsync(new IncidentOpening(platform.Clock.GetUtcNow(), new IncidentFacts(Nature: "x"), Officer));

        // Assert
        Assert.Equal(field, Assert.Single(opened.Violations).Field);
        Assert.Null(await grain.GetAsync());
    }

    [Fact]
    public async Task ANoticeOrUpdateWithBadFieldsIsRefusedByTheGrainAndChangesNothing()
    {
        // Arrange
        var (grain, opened) = await platform.OpenAsync(IncidentsPlatform.Acme, TimeSpan.FromHours(1));

        // Act
        var notice = await grain.SendNoticeAsync(new NoticeRequest((NoticeAudience)9, NoticePhase.First, Culture: new string('c', 17)), Officer);
        var update = await grain.UpdateAsync(new IncidentFacts(Nature: " ", Measures: new string('m', IncidentFacts.MaxTextLength + 1)), Officer);

        // Assert
        Assert.Equal(["audience", "culture"], notice.Violations.Select(v => v.Field));
        Assert.Equal(["measures", "nature"], update.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.Equal(opened.History.Length, (await grain.GetAsync())!.History.Length);
    }

    [Fact]
    public async Task EveryIncidentIsInTheRegisterIncludingOnesNotNotifiedAndExportsAsJsonAndCsv()
    {
        // Arrange: one incident notified, one assessed as no risk and closed without a notice
        var (notified, a) = await platform.OpenAsync(IncidentsPlatform.Globex, TimeSpan.FromHours(3), IncidentsPlatform.CompleteFacts([IncidentsPlatform.Globex]));
        await notified.SendNoticeAsync(new NoticeRequest(NoticeAudience.Authority, NoticePhase.Final), Officer);
        var (quiet, b) = await platform.OpenAsync(IncidentsPlatform.Globex, TimeSpan.FromHours(1), new IncidentFacts(
            Nature: "Laptop lost, disk encrypted", Measures: "Device wiped remotely", LikelyConsequences: "None expected", Risk: RiskLevel.None));
        await quiet.CloseAsync(Officer);

        // Act
        var rows = await platform.SiloGrains.GetGrain<IIncidentRegisterGrain>(IIncidentRegisterGrain.Key).ListAsync(IncidentsPlatform.Globex);
        var json = IncidentRegisterExport.ToJson(rows);
        var csv = IncidentRegisterExport.ToCsv(rows);

        // Assert
        var rowA = Assert.Single(rows, r => r.IncidentId == a.IncidentId);
        var rowB = Assert.Single(rows, r => r.IncidentId == b.IncidentId);
        Assert.NotNull(rowA.AuthorityNotifiedAt);
        Assert.Equal((IncidentStatus.Closed, RiskLevel.None, 0, "Device wiped remotely"), (rowB.Status, rowB.Risk, rowB.Notices, rowB.Measures));
        using var document = JsonDocument.Parse(json);
        var exported = document.RootElement.EnumerateArray().Single(e => e.GetProperty("incident_id").GetString() == b.IncidentId);
        Assert.Equal("Laptop lost, disk encrypted", exported.GetProperty("nature").GetString());
        Assert.Equal("None expected", exported.GetProperty("likely_consequences").GetString());
        Assert.Equal("closed", exported.GetProperty("status").GetString());
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("tenant_id,incident_id,status,aware_at", lines[0]);
        Assert.Contains(lines, l => l.StartsWith($"{IncidentsPlatform.Globex},{b.IncidentId},closed,", StringComparison.Ordinal) && l.Contains("\"Laptop lost, disk encrypted\"", StringComparison.Ordinal));
    }
}
