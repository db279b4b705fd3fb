using Azure;
using Custodian.Gateway.Protos.Regions;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;
using RegionsClient = Custodian.Gateway.Protos.Regions.Regions.RegionsClient;

namespace Custodian.Tests.Regions;

/// <summary>
/// The Regions service and <c>custodian regions</c>: the status shows a cut pair, the backlog and the
/// degraded tenant (so does the gateway's health report); a resync repairs what the pair lost, and is
/// refused to anyone but an officer and for a bad tenant id.
/// </summary>
public sealed class RegionsServiceTests(GeoPlatform platform, ITestOutputHelper output) : IClassFixture<GeoPlatform>
{
    [Fact]
    public async Task TheStatusAndTheHealthReportShowACutPairItsBacklogAndTheDegradedTenant()
    {
        var tenant = Platform.NewId("status");
        var app = platform.Subjects(tenant);
        var regions = new RegionsClient(platform.Channel(platform.Token(null, "operator")));
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("s1@example.org") });
        var healthy = await regions.GetStatusAsync(new GetRegionStatusRequest());
        Assert.True(healthy.PairReachable);
        Assert.True(healthy.HoldsLease);
        Assert.Equal("eu-north", healthy.Pair);
        Assert.Contains(healthy.Tenants, t => t.TenantId == tenant && t.Writer == "eu-west" && t.Epoch == 1 && !t.Degraded);

        platform.PairLink.Cut();
        try
        {
            await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s2", Record = SampleRecords.Contact("s2@example.org") });
            var degraded = await Poll.UntilAsync(async () =>
            {
                var status = await regions.GetStatusAsync(new GetRegionStatusRequest());
                return status.BacklogItems > 0 ? status : throw new InvalidOperationException("backlog not counted yet");
            }, TimeSpan.FromSeconds(10));
            Assert.False(degraded.PairReachable);
            Assert.NotNull(degraded.BacklogOldest);
            Assert.Contains(degraded.Tenants, t => t.TenantId == tenant && t.Degraded);

            var report = await platform.GatewayServices.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            var replication = report.Entries["replication"];
            output.WriteLine($"health while cut: {replication.Status}: {replication.Description}");
            Assert.Equal(HealthStatus.Degraded, replication.Status);
            Assert.True((int)replication.Data["backlog_items"] > 0);

            var cli = await CliRunner.RunAsync(CliRunner.Against(platform, platform.Token(null, "operator"), "regions", "status"));
            output.WriteLine(cli.Output);
            Assert.Equal(0, cli.ExitCode);
            Assert.Contains("UNREACHABLE", cli.Output);
            Assert.Contains($"{tenant}", cli.Output);
            Assert.Contains("degraded since", cli.Output);

            // Past Placement:BacklogAlertAge (2 s here) the backlog raises a security alert.
            var alerts = platform.SiloGrains.GetGrain<Custodian.Security.ISecurityAlertsGrain>(Platform.Region);
            var alert = await Poll.UntilAsync(async () => (await alerts.ListAsync(null, 100)).FirstOrDefault(a => a.Rule == "replication-backlog")
                ?? throw new InvalidOperationException("no alert yet"), TimeSpan.FromSeconds(15));
            output.WriteLine($"alert: {alert.Rule} for {alert.Principal}: {alert.Detail}");
            Assert.Contains("not replicated to eu-north", alert.Detail, StringComparison.Ordinal);
        }
        finally
        {
            platform.PairLink.Restore();
        }

        await Poll.UntilAsync(async () =>
        {
            var status = await regions.GetStatusAsync(new GetRegionStatusRequest());
            return status.PairReachable && status.BacklogItems == 0 && status.Tenants.Single(t => t.TenantId == tenant) is { Degraded: false }
                ? true : throw new InvalidOperationException("not drained yet");
        }, TimeSpan.FromSeconds(30));
        Assert.Equal(HealthStatus.Healthy, (await platform.GatewayServices.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["replication"].Status);
    }

    [Fact]
    public async Task AResyncRepairsWhatThePairLostAndReportsIt()
    {
        var tenant = Platform.NewId("resync");
        var app = platform.Subjects(tenant);
        for (var i = 0; i < 3; i++)
        {
            await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = $"s{i}", Record = SampleRecords.Contact($"s{i}@example.org") });
        }

        await app.EraseAsync(new EraseRequest { TenantId = tenant, SubjectId = "s0", Reason = "request REQ-resync" });

        // The pair loses a state, a data key and a tombstone of the tenant (e.g. a restore done wrong there).
        var pair = platform.PairAzurite.Tables;
        var state = (await RegionCopies.RowsAsync(platform.PairAzurite, "CustodianState", r => r.PartitionKey.Contains(tenant, StringComparison.Ordinal) && r.PartitionKey.EndsWith("s1", StringComparison.Ordinal))).Keys.Single();
        await pair.GetTableClient("CustodianState").DeleteEntityAsync(state.Item1, state.Item2, ETag.All);
        var key = (await RegionCopies.RowsAsync(platform.PairAzurite, "CustodianKeys", r => r.GetString("GrainId") == $"datasubject/{tenant}/s2")).Keys.Single();
        await pair.GetTableClient("CustodianKeys").DeleteEntityAsync(key.Item1, key.Item2, ETag.All);
        var tombstone = (await RegionCopies.RowsAsync(platform.PairAzurite, "CustodianTombstones", r => r.RowKey == Uri.EscapeDataString($"datasubject/{tenant}/s0"))).Keys.Single();
        await pair.GetTableClient("CustodianTombstones").DeleteEntityAsync(tombstone.Item1, tombstone.Item2, ETag.All);
        Assert.NotEmpty((await RegionCopies.CompareAsync(platform.Azurite, platform.PairAzurite)).Differences);

        var officer = platform.Token(null, "officer");
        var refusedToAnOperator = await Assert.ThrowsAsync<RpcException>(async () =>
            await new RegionsClient(platform.Channel(platform.Token(null, "operator"))).ResyncAsync(new ResyncRequest { TenantId = tenant }));
        Assert.Equal(StatusCode.PermissionDenied, refusedToAnOperator.StatusCode);
        var badTenant = await Assert.ThrowsAsync<RpcException>(async () =>
            await new RegionsClient(platform.Channel(officer)).ResyncAsync(new ResyncRequest { TenantId = "no such/tenant" }));
        Assert.Equal(StatusCode.InvalidArgument, badTenant.StatusCode);
        Assert.Contains("tenant_id", badTenant.Status.Detail + string.Join(",", badTenant.Trailers.Select(t => t.Key)), StringComparison.Ordinal);

        var cli = await CliRunner.RunAsync(CliRunner.Against(platform, officer, "regions", "resync", "--tenant", tenant));
        output.WriteLine(cli.Output + cli.Error);
        Assert.Equal(0, cli.ExitCode);
        Assert.Contains("hold the same copies", cli.Output);
        Assert.Contains("[1/5] states: 3 compared, 1 repaired", cli.Output, StringComparison.Ordinal);
        Assert.Contains("[5/5] audit:", cli.Output, StringComparison.Ordinal);
        var badKind = await Assert.ThrowsAsync<RpcException>(async () =>
            await new RegionsClient(platform.Channel(officer)).ResyncAsync(new ResyncRequest { TenantId = tenant, Kind = "everything" }));
        Assert.Equal(StatusCode.InvalidArgument, badKind.StatusCode);

        var report = await new RegionsClient(platform.Channel(officer)).ResyncAsync(new ResyncRequest { TenantId = tenant });
        Assert.True(report.Identical);
        Assert.All(report.Counts, c => Assert.Equal(0, c.Repaired)); // the CLI's resync already repaired everything
        Assert.Empty((await RegionCopies.CompareAsync(platform.Azurite, platform.PairAzurite)).Differences);
        Assert.Contains(await platform.AuditEntriesAsync(new Custodian.Audit.AuditQuery(Action: "Regions:Resync")), e => e.Record.Target == "tenant:" + tenant);
    }

    [Fact]
    public async Task AuditVerifyChecksThePairsCopyAndNamesADifference()
    {
        var tenant = Platform.NewId("verify");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("v@example.org") });
        var audit = platform.Audit("officer");
        var before = await audit.VerifyTrailAsync(new Custodian.Gateway.Protos.Audit.VerifyTrailRequest());
        Assert.True(before.Intact);
        Assert.All(before.Partitions, p => Assert.True(p.ReplicaIdentical, p.Replica));
        Assert.All(before.Partitions, p => Assert.StartsWith("eu-north: identical", p.Replica, StringComparison.Ordinal));

        // Someone with access to eu-north's account removes a segment of the copy there.
        var table = platform.PairAzurite.Tables.GetTableClient("CustodianAudit");
        Azure.Data.Tables.TableEntity? segment = null;
        await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            if (row.PartitionKey.StartsWith("eu-west-", StringComparison.Ordinal) && char.IsDigit(row.RowKey[0]))
            {
                segment = row;
                break;
            }
        }

        Assert.NotNull(segment);
        await table.DeleteEntityAsync(segment.PartitionKey, segment.RowKey, ETag.All);

        var after = await audit.VerifyTrailAsync(new Custodian.Gateway.Protos.Audit.VerifyTrailRequest());
        var partition = after.Partitions.Single(p => p.Partition == segment.PartitionKey.Replace('-', '/').Replace("eu/west", "eu-west", StringComparison.Ordinal));
        output.WriteLine($"{partition.Partition}: chain {(partition.Intact ? "intact" : "broken")}, replica: {partition.Replica}");
        Assert.False(after.Intact);
        Assert.True(partition.Intact); // this region's chain is fine; its copy is not
        Assert.False(partition.ReplicaIdentical);
        Assert.Contains("1 of", partition.Replica, StringComparison.Ordinal);
        Assert.Contains("missing", partition.Replica, StringComparison.Ordinal);
        var cli = await CliRunner.RunAsync(CliRunner.Against(platform, platform.Token(null, "officer"), "audit", "verify"));
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("DIFFERS eu-north", cli.Output);

        // A resync of any tenant mirrors the region's audit rows again.
        await new RegionsClient(platform.Channel(platform.Token(null, "officer"))).ResyncAsync(new ResyncRequest { TenantId = tenant });
        Assert.True((await audit.VerifyTrailAsync(new Custodian.Gateway.Protos.Audit.VerifyTrailRequest())).Intact);
    }

    [Fact]
    public async Task PromoteIsForOfficersNeedsAReasonAndAcceptedLossAndRefusesWhatCannotBeDone()
    {
        var tenant = Platform.NewId("nopromote");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("p@example.org") });
        var officer = new RegionsClient(platform.Channel(platform.Token(null, "officer")));

        var asOperator = await Assert.ThrowsAsync<RpcException>(async () =>
            await new RegionsClient(platform.Channel(platform.Token(null, "operator"))).PromoteAsync(new PromoteRequest { TenantId = tenant, Reason = "drill" }));
        Assert.Equal(StatusCode.PermissionDenied, asOperator.StatusCode);
        // This gateway has no client of eu-north (the pair, where a promotion runs by default): name the region.
        var noReason = await Assert.ThrowsAsync<RpcException>(async () => await officer.PromoteAsync(new PromoteRequest { TenantId = tenant, Region = "eu-west" }));
        Assert.Equal(StatusCode.InvalidArgument, noReason.StatusCode);
        var already = await Assert.ThrowsAsync<RpcException>(async () => await officer.PromoteAsync(new PromoteRequest { TenantId = tenant, Reason = "drill", Region = "eu-west" }));
        Assert.Equal(StatusCode.FailedPrecondition, already.StatusCode);
        Assert.Contains("already writes", already.Status.Detail, StringComparison.Ordinal);

        var withoutConsent = await CliRunner.RunAsync(CliRunner.Against(platform, platform.Token(null, "officer"), "regions", "promote", "--tenant", tenant, "--reason", "drill"));
        Assert.NotEqual(0, withoutConsent.ExitCode);
        Assert.Contains("--accept-loss", withoutConsent.Error, StringComparison.Ordinal);
        Assert.Equal("eu-west", (await platform.PlacementOfAsync(tenant))!.GetString("Writer"));
    }

    [Fact]
    public async Task TheCliMovesToTheNextGatewayWhenOneIsUnavailableAndOnlyThen()
    {
        var dead = $"https://127.0.0.1:{FreePorts.Next()}"; // nothing listens there
        var live = $"https://127.0.0.1:{platform.GatewayPort}";
        string[] Args(string token, params string[] command) =>
            [.. command, "--endpoint", dead, "--endpoint", live, "--token", token, "--trust-cert", Path.Combine(platform.SecretsFolder, "gateway.crt")];

        var status = await CliRunner.RunAsync(Args(platform.Token(null, "operator"), "regions", "status"));
        output.WriteLine(status.Error);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("Region:   eu-west", status.Output, StringComparison.Ordinal);
        Assert.Contains($"{new Uri(dead).Authority} is unavailable", status.Error, StringComparison.Ordinal);
        Assert.Contains($"trying {new Uri(live).Authority}", status.Error, StringComparison.Ordinal);

        // A refusal is an answer: a caller without the role is not sent on to the next gateway.
        var refused = await CliRunner.RunAsync(
            "regions", "resync", "--tenant", "acme", "--endpoint", live, "--endpoint", dead,
            "--token", platform.Token(null, "operator"), "--trust-cert", Path.Combine(platform.SecretsFolder, "gateway.crt"));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("PermissionDenied", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("trying", refused.Error, StringComparison.Ordinal);

        // The same list from CUSTODIAN_ENDPOINT.
        Environment.SetEnvironmentVariable("CUSTODIAN_ENDPOINT", $"{dead}, {live}");
        try
        {
            var fromEnvironment = await CliRunner.RunAsync("regions", "status", "--token", platform.Token(null, "operator"), "--trust-cert", Path.Combine(platform.SecretsFolder, "gateway.crt"));
            Assert.Equal(0, fromEnvironment.ExitCode);
            Assert.Contains("Region:   eu-west", fromEnvironment.Output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CUSTODIAN_ENDPOINT", null);
        }
    }
}
