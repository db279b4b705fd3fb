using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Custodian.Gateway.Protos.Keys;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using Xunit.Abstractions;

namespace Custodian.Tests.Keys;

/// <summary>A platform whose silo runs as a process and rewraps slowly, so a test can kill it mid-job.</summary>
public sealed class SlowRewrapPlatform : ProcessSiloPlatform
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() =>
    [
        new("KeyRotation:PageSize", "20"),
        new("KeyRotation:PagePause", "00:00:00.150"),
        new("KeyRotation:ReminderPeriod", "00:00:05"),
    ];
}

public sealed class KeyRotationTests(SlowRewrapPlatform platform, ITestOutputHelper output) : IClassFixture<SlowRewrapPlatform>
{
    private const int Subjects = 240;

    [Fact]
    public async Task RewrapSurvivesASiloKillAndLeavesNoKeyOnTheRetiredVersion()
    {
        // Arrange: N subjects stored under KEK version 1
        var tenant = Platform.NewId("acme");
        var subjects = platform.Subjects(tenant);
        var ids = Enumerable.Range(0, Subjects).Select(i => $"subj-{i:D4}").ToArray();
        foreach (var batch in ids.Chunk(24))
        {
            await Task.WhenAll(batch.Select(async id => await subjects.PutRecordAsync(
                new PutRecordRequest { TenantId = tenant, SubjectId = id, Record = SampleRecords.Contact($"{id}@example.org") })));
        }

        var operatorKeys = platform.Keys("operator");
        var before = await operatorKeys.GetRotationStatusAsync(new GetRotationStatusRequest());

        // Act: rotate, kill the silo while it rewraps, start it again
        var started = await operatorKeys.RotateKekAsync(new RotateKekRequest());
        var beforeKill = await Poll.UntilAsync(async () =>
        {
            var status = await operatorKeys.GetRotationStatusAsync(new GetRotationStatusRequest());
            return status.Done >= 40 ? status : throw new TimeoutException("not far enough yet");
        }, TimeSpan.FromSeconds(60));
        await platform.KillSiloAsync();
        await platform.StartAgainAsync();
        var after = await Poll.UntilAsync(async () =>
        {
            var status = await operatorKeys.GetRotationStatusAsync(new GetRotationStatusRequest());
            return status.Phase == RotationPhase.Completed ? status : throw new TimeoutException($"still {status.Phase}, {status.Done} done");
        }, TimeSpan.FromSeconds(120), e => e is TimeoutException or RpcException { StatusCode: StatusCode.Unavailable or StatusCode.Internal });

        // Assert
        output.WriteLine($"rotation {before.CurrentKekId} -> {started.TargetKekId}: killed at {beforeKill.Done} done / {beforeKill.Remaining} remaining; " +
            $"finished with {after.Done} rewrapped in {after.Passes} pass(es); retired [{string.Join(", ", after.RetiredKekIds)}]");
        Assert.Equal(RotationPhase.Rewrapping, started.Phase);
        Assert.True(beforeKill.Remaining > 0, "the silo was killed after the job had already finished");
        Assert.Equal("local/eu-west/1", before.CurrentKekId);
        Assert.Equal("local/eu-west/2", after.CurrentKekId);
        Assert.Equal(["local/eu-west/1"], after.RetiredKekIds);
        Assert.Equal(["local/eu-west/2"], after.KekIds);
        Assert.Equal(["local/eu-west/2"], await KekIdsInUseAsync());
        var keyFile = JsonNode.Parse(await File.ReadAllTextAsync(platform.KeyFile))!;
        Assert.Equal([2], keyFile["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<int>()));
        foreach (var batch in ids.Chunk(24))
        {
            var reads = await Task.WhenAll(batch.Select(async id => await subjects.GetRecordAsync(
                new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = id, Category = "contact" })));
            Assert.All(reads.Zip(batch), r => Assert.Equal($"{r.Second}@example.org", r.First.Record.Fields["email"]));
        }
    }

    [Fact]
    public async Task AnAppMayNotRotateKeys()
    {
        var keys = new Custodian.Gateway.Protos.Keys.Keys.KeysClient(platform.Channel(platform.Token("acme", "app")));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await keys.RotateKekAsync(new RotateKekRequest()));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    private async Task<List<string>> KekIdsInUseAsync()
    {
        var kekIds = new HashSet<string>();
        await foreach (var row in platform.Azurite.Tables.GetTableClient("CustodianKeys").QueryAsync<TableEntity>(select: ["KekId"]))
        {
            kekIds.Add(row.GetString("KekId"));
        }

        return [.. kekIds.Order()];
    }
}
