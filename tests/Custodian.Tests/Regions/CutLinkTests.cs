using Custodian.Gateway.Protos.Subjects;
using Custodian.Storage;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Xunit.Abstractions;

namespace Custodian.Tests.Regions;

/// <summary>
/// The link between the regions is cut while both reach the witness: eu-west keeps its lease and serves
/// its tenant degraded, and eu-north — probing all along — never takes the tenant over and refuses every
/// write of it. At no moment do both regions acknowledge writes of the tenant.
/// </summary>
public sealed class CutLinkTests(FailoverPlatform platform, ITestOutputHelper output) : IClassFixture<FailoverPlatform>
{
    [Fact]
    public async Task ACutLinkBetweenLiveRegionsNeverMakesTwoWriters()
    {
        var tenant = Platform.NewId("cutlink");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s0", Record = SampleRecords.Contact("s0@example.org") });

        platform.PairLink.Cut();
        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20); // twice the lease, plus the margin and the probes
        int westAcks = 0, northAcks = 0, northRefused = 0, i = 0;
        try
        {
            while (DateTimeOffset.UtcNow < until)
            {
                i++;
                await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = $"w{i}", Record = SampleRecords.Contact($"w{i}@example.org") });
                westAcks++;
                try
                {
                    var result = await platform.North.GetGrain<IDataSubjectGrain>($"{tenant}/n{i}").PutRecordAsync(new PersonalDataRecord(
                        "contact", "Account management and service messages", Custodian.Subjects.LegalBasis.Contract,
                        System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(new Dictionary<string, string> { ["email"] = $"n{i}@example.org" })));
                    northAcks += result.Stored ? 1 : 0;
                }
                catch (RegionFencedException)
                {
                    northRefused++;
                }

                await Task.Delay(250);
            }

            output.WriteLine($"eu-west acknowledged {westAcks}, eu-north acknowledged {northAcks} and refused {northRefused}");
            Assert.Equal(0, northAcks);
            Assert.Equal(westAcks, northRefused);
            var row = await platform.PlacementOfAsync(tenant);
            Assert.Equal(("eu-west", 1L, true), (row!.GetString("Writer"), row.GetInt64("Epoch")!.Value, row.GetBoolean("Degraded")!.Value));
        }
        finally
        {
            platform.PairLink.Restore();
        }

        // The backlog drains once the link is back, and the tenant is healthy again where it was.
        await platform.DrainedAsync(tenant);
        await Poll.UntilAsync(async () => (await platform.PlacementOfAsync(tenant))!.GetBoolean("Degraded") == false ? true : throw new TimeoutException(), TimeSpan.FromSeconds(20));
        Assert.Equal("eu-west", (await platform.PlacementOfAsync(tenant))!.GetString("Writer"));
    }
}
