using Custodian.Audit;
using Custodian.Gateway.Protos.Regions;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Silo.Regions;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using AuditQueryRequest = Custodian.Gateway.Protos.Audit.QueryTrailRequest;
using RegionsClient = Custodian.Gateway.Protos.Regions.Regions.RegionsClient;

namespace Custodian.Tests.Regions;

/// <summary>
/// A gateway serves every tenant by forwarding to its writer region: through eu-west's gateway, a tenant written in
/// eu-north is written, read and audited in eu-north while eu-west's tenants stay in eu-west; a tenant moved at the
/// witness is followed after at most one UNAVAILABLE; a region that is down, or one the gateway has no client for,
/// is UNAVAILABLE naming it while the others keep working; the status lists every region; failback and promotion
/// are for officers and go to the region they concern.
/// </summary>
public sealed class RoutingTests(RoutedPlatform platform, ITestOutputHelper output) : IClassFixture<RoutedPlatform>
{
    private const string Purpose = "Account management and service messages";

    [Fact]
    public async Task ATenantWrittenInEuNorthIsWrittenReadAndAuditedThereThroughTheEuWestGateway()
    {
        var subject = Platform.NewId("s");
        var app = platform.Subjects(platform.North);

        await app.PutRecordAsync(new PutRecordRequest { TenantId = platform.North, SubjectId = subject, Record = SampleRecords.Contact("north@example.org") });
        var read = await app.GetRecordAsync(new GetRecordRequest { TenantId = platform.North, SubjectId = subject, Category = "contact", Purpose = "support" });

        Assert.Equal("north@example.org", read.Record.Fields["email"]);
        var row = await platform.PlacementOfAsync(platform.North);
        Assert.Equal(("eu-north", 1L), (row.Writer, row.Epoch));
        var held = await platform.NorthGrains.GetGrain<IDataSubjectGrain>($"{platform.North}/{subject}").GetRecordAsync("contact", Purpose);
        Assert.Equal("north@example.org", held.Record!.Record.Fields["email"]);
        var target = platform.AuditKeys.Subject(platform.North, subject);
        var north = await platform.NorthTrail.ReadAllAsync(new AuditQuery(Target: target));
        output.WriteLine(string.Join(Environment.NewLine, north.Select(e => $"{e.Partition}: {e.Entry.Record.Action} {e.Entry.Record.Outcome}")));
        Assert.Contains(north, e => e.Entry.Record.Action == "Write:/custodian.subjects.v1.Subjects/PutRecord" && e.Entry.Record.Outcome == "allowed");
        Assert.Contains(north, e => e.Entry.Record.Action == "Write:/custodian.subjects.v1.Subjects/PutRecord" && e.Entry.Record.Outcome == "done");
        Assert.Contains(north, e => e.Entry.Record.Action == "Read:/custodian.subjects.v1.Subjects/GetRecord");
        Assert.Empty(await platform.AuditEntriesAsync(new AuditQuery(Target: target)));

        // The Audit service reads the trail a request names, through that region's cluster.
        var queried = await platform.Audit("officer").QueryTrailAsync(new AuditQueryRequest { Region = "eu-north", TenantId = platform.North, SubjectId = subject });
        Assert.All(north, e => Assert.Contains(queried.Entries, q => q.Partition == e.Partition && q.Sequence == e.Entry.Sequence));
        Assert.All(queried.Entries, e => Assert.StartsWith("eu-north/", e.Partition, StringComparison.Ordinal));
        Assert.Empty((await platform.Audit("officer").QueryTrailAsync(new AuditQueryRequest { TenantId = platform.North, SubjectId = subject })).Entries);
    }

    [Fact]
    public async Task ATenantOfEuWestIsStillWrittenAndAuditedInEuWest()
    {
        var tenant = Platform.NewId("west");
        var app = platform.Subjects(tenant);

        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("west@example.org") });
        var read = await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "s1", Category = "contact", Purpose = "support" });

        Assert.Equal("west@example.org", read.Record.Fields["email"]);
        Assert.Equal("eu-west", (await platform.PlacementOfAsync(tenant)).Writer);
        var target = platform.AuditKeys.Subject(tenant, "s1");
        Assert.Contains(await platform.AuditEntriesAsync(new AuditQuery(Target: target)), e => e.Record.Outcome == "done");
        Assert.Empty(await platform.NorthTrail.ReadAllAsync(new AuditQuery(Target: target)));
    }

    [Fact]
    public async Task AfterTheWitnessMovesATenantItsNextCallsGoToTheNewWriterAfterAtMostOneUnavailable()
    {
        var tenant = platform.Moving;
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "before", Record = SampleRecords.Contact("before@example.org") });
        Assert.Equal("eu-north", platform.Router.WriterOf(tenant));

        // As a failover does: a compare-and-swap to the other writer at a new epoch. The new writer knows at once
        // and the old one on its next renewal; the gateway learns it only from the old writer's refusal.
        var row = await platform.PlacementOfAsync(tenant);
        var moved = await platform.Witness.TryReplaceAsync(row, row with
        {
            Writer = "eu-west", Epoch = row.Epoch + 1, MovedAt = DateTimeOffset.UtcNow, MovedFrom = "eu-north", MoveReason = "failover: routing test",
        });
        Assert.NotNull(moved);
        await Poll.UntilAsync(async () =>
            (await platform.NorthFence.TenantAsync(tenant)).Writer == "eu-west" && (await Fence().TenantAsync(tenant)).Writer == "eu-west"
                ? true : throw new InvalidOperationException("the silos have not seen the move yet"), TimeSpan.FromSeconds(15));

        var unavailable = new List<RpcException>();
        for (var i = 0; i < 5; i++)
        {
            try
            {
                await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = $"after{i}", Record = SampleRecords.Contact($"after{i}@example.org") });
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                output.WriteLine($"call {i}: {e.Status.Detail}");
                unavailable.Add(e);
            }
        }

        Assert.True(unavailable.Count <= 1, $"{unavailable.Count} calls were UNAVAILABLE");
        Assert.All(unavailable, e => Assert.Contains("written in region eu-west", e.Status.Detail, StringComparison.Ordinal));
        Assert.Equal("eu-west", platform.Router.WriterOf(tenant));
        var last = platform.AuditKeys.Subject(tenant, "after4");
        Assert.Contains(await platform.AuditEntriesAsync(new AuditQuery(Target: last)), e => e.Record.Outcome == "done");
        Assert.Empty(await platform.NorthTrail.ReadAllAsync(new AuditQuery(Target: last)));
        Assert.Equal("after4@example.org", (await platform.SiloGrains.GetGrain<IDataSubjectGrain>($"{tenant}/after4").GetRecordAsync("contact", Purpose)).Record!.Record.Fields["email"]);

        // The new writer serves what the old one wrote (replicated to it).
        var before = await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "before", Category = "contact", Purpose = "support" });
        Assert.Equal("before@example.org", before.Record.Fields["email"]);
    }

    [Fact]
    public async Task ATenantOfAZoneTheGatewayHasNoClientForIsUnavailableNamingTheRegion()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await platform.Subjects("globex").PutRecordAsync(new PutRecordRequest { TenantId = "globex", SubjectId = Platform.NewId("g"), Record = SampleRecords.Contact("g@example.org") }));

        output.WriteLine(refused.Status.Detail);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("us-east", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(await RegionCopies.RowsAsync(platform.Azurite, "CustodianState", r => r.PartitionKey.Contains("globex", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WithEuNorthDownItsTenantsAreUnavailableNamingItWhileEuWestServesAndTheStatusListsItUnreachable()
    {
        var operatorToken = platform.Token(null, "operator");
        var regions = new RegionsClient(platform.Channel(operatorToken));
        await platform.Subjects(platform.North).PutRecordAsync(new PutRecordRequest { TenantId = platform.North, SubjectId = Platform.NewId("s"), Record = SampleRecords.Contact("up@example.org") });
        var both = await regions.GetStatusAsync(new GetRegionStatusRequest());
        Assert.Equal(["eu-west", "eu-north"], both.Regions.Select(r => r.Region));
        Assert.All(both.Regions, r => Assert.True(r.Reachable, r.Error));
        Assert.Equal(("eu-west", "eu-north"), (both.Region, both.Pair));
        Assert.Contains(both.Regions[1].Tenants, t => t.TenantId == platform.North && t.Writer == "eu-north");

        await platform.StopNorthAsync();
        try
        {
            var refused = await Poll.UntilAsync(async () =>
            {
                try
                {
                    await platform.Subjects(platform.North).PutRecordAsync(new PutRecordRequest { TenantId = platform.North, SubjectId = Platform.NewId("s"), Record = SampleRecords.Contact("down@example.org") });
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
                {
                    return e;
                }

                throw new InvalidOperationException("eu-north still answers");
            }, TimeSpan.FromSeconds(30));
            output.WriteLine($"eu-north down: {refused.Status.Detail}");
            Assert.Contains("eu-north", refused.Status.Detail, StringComparison.Ordinal);

            var west = Platform.NewId("west");
            await platform.Subjects(west).PutRecordAsync(new PutRecordRequest { TenantId = west, SubjectId = "s1", Record = SampleRecords.Contact("up@example.org") });

            var one = await regions.GetStatusAsync(new GetRegionStatusRequest());
            Assert.True(one.Regions[0].Reachable);
            Assert.False(one.Regions[1].Reachable);
            Assert.NotEmpty(one.Regions[1].Error);
            var cli = await CliRunner.RunAsync(CliRunner.Against(platform, operatorToken, "regions", "status"));
            output.WriteLine(cli.Output + cli.Error);
            Assert.Equal(0, cli.ExitCode);
            Assert.Contains("Region:   eu-west", cli.Output, StringComparison.Ordinal);
            Assert.Contains("UNREACHABLE (", cli.Output, StringComparison.Ordinal);
            Assert.Contains(west, cli.Output, StringComparison.Ordinal);
        }
        finally
        {
            await platform.StartNorthAsync();
        }

        await Poll.UntilAsync(async () => await platform.Subjects(platform.North).PutRecordAsync(new PutRecordRequest
        {
            TenantId = platform.North, SubjectId = Platform.NewId("s"), Record = SampleRecords.Contact("back@example.org"),
        }), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task FailbackIsForOfficersWithAValidTenantAndPromotionRunsInTheRegionItPromotes()
    {
        var tenant = Platform.NewId("west");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("p@example.org") });
        var officer = new RegionsClient(platform.Channel(platform.Token(null, "officer")));

        var asOperator = await Assert.ThrowsAsync<RpcException>(async () =>
            await new RegionsClient(platform.Channel(platform.Token(null, "operator"))).FailbackAsync(new FailbackRequest { TenantId = tenant, Reason = "drill over" }));
        var badTenant = await Assert.ThrowsAsync<RpcException>(async () => await officer.FailbackAsync(new FailbackRequest { TenantId = "no such/tenant", Reason = "drill over" }));
        var noReason = await Assert.ThrowsAsync<RpcException>(async () => await officer.FailbackAsync(new FailbackRequest { TenantId = tenant }));

        Assert.Equal(StatusCode.PermissionDenied, asOperator.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, badTenant.StatusCode);
        Assert.Contains("tenant_id", badTenant.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, noReason.StatusCode);
        var cli = await CliRunner.RunAsync(CliRunner.Against(platform, platform.Token(null, "officer"), "regions", "failback", "--tenant", "no such/tenant", "--reason", "drill over"));
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("InvalidArgument", cli.Error, StringComparison.Ordinal);

        // By default a promotion runs in the pair of the writer (eu-north, which refuses while eu-west holds its lease);
        // named, in that region (eu-west, which already writes the tenant).
        var inPair = await Assert.ThrowsAsync<RpcException>(async () => await officer.PromoteAsync(new PromoteRequest { TenantId = tenant, Reason = "drill" }));
        var inWriter = await Assert.ThrowsAsync<RpcException>(async () => await officer.PromoteAsync(new PromoteRequest { TenantId = tenant, Reason = "drill", Region = "eu-west" }));
        var nowhere = await Assert.ThrowsAsync<RpcException>(async () => await officer.PromoteAsync(new PromoteRequest { TenantId = tenant, Reason = "drill", Region = "mars-1" }));

        Assert.Equal(StatusCode.FailedPrecondition, inPair.StatusCode);
        Assert.Contains("still holds its lease", inPair.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.FailedPrecondition, inWriter.StatusCode);
        Assert.Contains("already writes", inWriter.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, nowhere.StatusCode);
        Assert.Equal("eu-west", (await platform.PlacementOfAsync(tenant)).Writer);
        Assert.Contains(await platform.NorthTrail.ReadAllAsync(new AuditQuery(Action: "Regions:Promote")), e => e.Entry.Record.Target == "tenant:" + tenant);
    }

    /// <summary>eu-west's region fence (what its silo believes about placements).</summary>
    private RegionFence Fence() => platform.SiloServices.GetRequiredService<RegionFence>();
}
