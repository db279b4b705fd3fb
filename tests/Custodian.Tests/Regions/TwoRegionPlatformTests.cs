using System.Collections.Immutable;
using System.Diagnostics;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Xunit.Abstractions;

namespace Custodian.Tests.Regions;

/// <summary>
/// The two-region platform the failover drill runs on: both gateways answer; each region serves its own tenant;
/// a killed region leaves no process behind while the other goes on serving; a restarted one serves what it
/// stored before.
/// </summary>
public sealed class TwoRegionPlatformTests(TwoRegionPlatform platform, ITestOutputHelper output) : IClassFixture<TwoRegionPlatform>
{
    private const string Purpose = "Account management and service messages";

    [Fact]
    public async Task EachRegionServesItsTenantSurvivesThePairsLossAndServesItsDataAfterARestart()
    {
        var west = platform.Region(TwoRegionPlatform.West);
        var north = platform.Region(TwoRegionPlatform.North);
        Assert.True(await west.Gateway.ServingAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await north.Gateway.ServingAsync(TimeSpan.FromSeconds(10)));

        // eu-west's tenant through eu-west's gateway; eu-north's tenant in eu-north's cluster. (Through eu-north's
        // gateway once gateways forward: see EachGatewayServesTheTenantWrittenInItsRegion.)
        var westSubject = Platform.NewId("s");
        var northSubject = Platform.NewId("s");
        await PutAsync(west, TwoRegionPlatform.WestTenant, westSubject, "west@example.org");
        await using (var northCluster = await platform.ClusterClientAsync(TwoRegionPlatform.North))
        {
            var put = await NorthSubject(northCluster, northSubject).PutRecordAsync(new PersonalDataRecord(
                "contact", Purpose, Custodian.Subjects.LegalBasis.Contract, ImmutableSortedDictionary.CreateRange([KeyValuePair.Create("email", "north@example.org")])));
            Assert.True(put.Violations.IsDefaultOrEmpty);
            Assert.Equal("north@example.org", await EmailAsync(northCluster, northSubject));
        }

        Assert.Equal("west@example.org", await EmailAsync(west, TwoRegionPlatform.WestTenant, westSubject));

        // eu-north goes down: silo and gateway killed, its Azurite stopped.
        var northProcesses = north.ProcessIds();
        Assert.Equal(3, northProcesses.Count);
        var killing = Stopwatch.StartNew();
        await platform.KillRegionAsync(TwoRegionPlatform.North);
        output.WriteLine($"eu-north (processes {string.Join(", ", northProcesses)}) down in {killing.ElapsedMilliseconds} ms");
        Assert.All(northProcesses, pid => Assert.False(Alive(pid), $"process {pid} of eu-north is still alive"));
        Assert.Empty(north.ProcessIds());

        // eu-west goes on serving its tenant, reads and writes (the writes wait in its backlog for the pair).
        Assert.Equal("west@example.org", await EmailAsync(west, TwoRegionPlatform.WestTenant, westSubject));
        var later = Platform.NewId("s");
        await PutAsync(west, TwoRegionPlatform.WestTenant, later, "later@example.org");
        Assert.Equal("later@example.org", await EmailAsync(west, TwoRegionPlatform.WestTenant, later));

        var starting = Stopwatch.StartNew();
        await platform.StartRegionAsync(TwoRegionPlatform.North);
        output.WriteLine($"eu-north up again in {starting.ElapsedMilliseconds} ms");
        Assert.True(await north.Gateway.ServingAsync(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(north.ProcessIds(), northProcesses.Contains);
        // Through a gateway: eu-west may have taken eu-north's tenant over meanwhile (after eu-north's lease ran out).
        Assert.Equal("north@example.org", await Poll.UntilAsync(() => EmailAsync(north, TwoRegionPlatform.NorthTenant, northSubject),
            TimeSpan.FromSeconds(30), e => e is Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Unavailable }));
    }

    [Fact]
    public async Task EachGatewayServesTheTenantWrittenInItsRegion()
    {
        var subject = Platform.NewId("s");
        foreach (var (region, tenant) in new[] { (TwoRegionPlatform.West, TwoRegionPlatform.WestTenant), (TwoRegionPlatform.North, TwoRegionPlatform.NorthTenant) })
        {
            await PutAsync(platform.Region(region), tenant, subject, $"{tenant}@example.org");
            Assert.Equal($"{tenant}@example.org", await EmailAsync(platform.Region(region), tenant, subject));
        }
    }

    private static IDataSubjectGrain NorthSubject(RegionClusterClient cluster, string subject) =>
        cluster.Grains.GetGrain<IDataSubjectGrain>($"{TwoRegionPlatform.NorthTenant}/{subject}");

    private static async Task<string> EmailAsync(RegionClusterClient cluster, string subject) =>
        (await NorthSubject(cluster, subject).GetRecordAsync("contact", Purpose)).Record!.Record.Fields["email"];

    private static async Task PutAsync(PlatformRegion region, string tenant, string subject, string email) =>
        await region.Gateway.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact(email) });

    private static async Task<string> EmailAsync(PlatformRegion region, string tenant, string subject) =>
        (await region.Gateway.Subjects(tenant).GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = "support" }))
            .Record.Fields["email"];

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
