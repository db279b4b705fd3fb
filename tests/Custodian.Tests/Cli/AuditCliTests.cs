using System.Globalization;
using Custodian.Cli;
using Custodian.Gateway.Protos.Audit;
using Custodian.Tests.Audit;
using Custodian.Tests.Infrastructure;
using Google.Protobuf;

namespace Custodian.Tests.Cli;

[Collection(PlatformCollection.Name)]
public sealed class AuditCliTests(Platform platform)
{
    [Fact]
    public async Task AuditVerifyExitsZeroOnAnIntactTrailAndNamesTheBrokenEntryOtherwise()
    {
        // Arrange
        var actor = Platform.NewId("app");
        await StoredTrail.CallAsync(platform, actor, Platform.NewId("acme"), Platform.NewId("subj"), calls: 2);
        var victim = (await platform.Audit("officer").QueryTrailAsync(new QueryTrailRequest { Actor = actor })).Entries[0];
        var officer = platform.Token(null, "officer");

        // Act
        var intact = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "audit", "verify"));
        (int ExitCode, string Output, string Error) broken;
        await using (await StoredTrail.TamperAsync(platform.Azurite.Tables.GetTableClient(StoredTrail.Table), victim.Partition, victim.Sequence, e => e with { Record = e.Record with { Action = "Read:x" } }))
        {
            broken = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "audit", "verify", "--partition", victim.Partition.Split('/')[1]));
        }

        // Assert
        Assert.Equal(ExitCodes.Success, intact.ExitCode);
        Assert.All(Enumerable.Range(0, 4), n => Assert.Contains($"{Platform.Region}/{n} ", intact.Output, StringComparison.Ordinal));
        Assert.Equal(4, intact.Output.Split('\n').Count(l => l.Contains(" intact ", StringComparison.Ordinal)));
        Assert.Equal(ExitCodes.TrailBroken, broken.ExitCode);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"BROKEN at {victim.Sequence}: the entry's content does not match its hash"), broken.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditQueryByActorPrintsJsonThatParsesAndStopsAtTheLimit()
    {
        // Arrange
        var actor = Platform.NewId("app");
        await StoredTrail.CallAsync(platform, actor, Platform.NewId("acme"), Platform.NewId("subj"), calls: 3);
        var dpo = platform.Token(null, "dpo");

        // Act
        var all = await CliRunner.RunAsync(CliRunner.Against(platform, dpo, "audit", "query", "--actor", actor, "--json"));
        var limited = await CliRunner.RunAsync(CliRunner.Against(platform, dpo, "audit", "query", "--actor", actor, "--limit", "2"));

        // Assert
        Assert.Equal((0, 0), (all.ExitCode, limited.ExitCode));
        var parsed = JsonParser.Default.Parse<QueryTrailResponse>(all.Output);
        Assert.Equal(4, parsed.Entries.Count); // put (decision and outcome), get, get
        Assert.All(parsed.Entries, e => Assert.Equal(actor, e.Actor));
        Assert.Equal(2, limited.Output.Split('\n').Count(l => l.Contains(actor, StringComparison.Ordinal)));
        Assert.Contains("more entries follow", limited.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreadableTimeIsAUsageErrorAndNothingIsCalled()
    {
        var result = await CliRunner.RunAsync(CliRunner.Against(platform, platform.Token(null, "dpo"), "audit", "query", "--from", "yesterday"));

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("--from 'yesterday' is not an ISO-8601 time", result.Error, StringComparison.Ordinal);
    }
}
