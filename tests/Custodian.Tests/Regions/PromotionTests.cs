using Custodian.Audit;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Regions;
using Custodian.Silo;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Custodian.Tests.Regions;

/// <summary>
/// A degraded tenant is never promoted by itself: an officer promotes it in the pair region, which is refused
/// while the writer still holds its lease, and names the writes it loses. Afterwards the old writer is fenced
/// and keeps its unreplicated writes in its backlog instead of pushing them over the new writer's data.
/// </summary>
public sealed class PromotionTests(GeoPlatform platform, ITestOutputHelper output) : IClassFixture<GeoPlatform>
{
    [Fact]
    public async Task ADegradedTenantIsPromotedOnlyOnAnOfficersWordAfterTheWritersLeaseEndedAndTheLossIsNamed()
    {
        var tenant = Platform.NewId("promote");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("s1@example.org") });

        // eu-north's silo reaches the witness directly (not through the proxy the test cuts below).
        var settings = platform.SiloSettingsOf(Platform.PairRegion, platform.PairAzurite, Platform.Region, platform.Azurite);
        settings["ConnectionStrings:Witness"] = platform.WitnessAzurite.ConnectionString;
        var north = SiloApp.Build([], (c, _) => c.AddInMemoryCollection(settings));
        await north.StartAsync();
        var northGrains = north.Services.GetRequiredService<IGrainFactory>();
        var regions = northGrains.GetGrain<IRegionsGrain>(Platform.PairRegion);
        try
        {
            platform.PairLink.Cut();
            await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s2", Record = SampleRecords.Contact("s2@example.org") });
            Assert.Equal(true, (await platform.PlacementOfAsync(tenant))!.GetBoolean("Degraded"));

            var early = await regions.PromoteAsync(tenant, "officer-1", "drill: eu-west is unreachable");
            output.WriteLine($"while eu-west renews: {early.Refusal}");
            Assert.Contains("still holds its lease", early.Refusal, StringComparison.Ordinal);
            Assert.Equal("eu-west", (await platform.PlacementOfAsync(tenant))!.GetString("Writer"));

            // eu-west loses the witness: it stops renewing, and its lease runs out (10 s, plus the 2 s margin).
            platform.WitnessLink.Cut();
            var promoted = await Poll.UntilAsync(async () => await regions.PromoteAsync(tenant, "officer-1", "drill: eu-west is unreachable") is { Refusal: null } done
                ? done : throw new InvalidOperationException("not yet"), TimeSpan.FromSeconds(30));
            output.WriteLine($"promoted {promoted.From} -> {promoted.To} at epoch {promoted.Epoch}; loss: {promoted.Loss}");
            Assert.Equal(("eu-west", "eu-north", 2L), (promoted.From, promoted.To, promoted.Epoch));
            Assert.Contains("acknowledged since", promoted.Loss, StringComparison.Ordinal);
            var row = await platform.PlacementOfAsync(tenant);
            Assert.Equal(("eu-north", 2L, false), (row!.GetString("Writer"), row.GetInt64("Epoch")!.Value, row.GetBoolean("Degraded")!.Value));

            // eu-north serves what was replicated; s2, acknowledged by eu-west while degraded, is the loss it named.
            var subject = northGrains.GetGrain<IDataSubjectGrain>($"{tenant}/s1");
            Assert.Equal("s1@example.org", (await subject.GetRecordAsync("contact", "Account management and service messages")).Record!.Record.Fields["email"]);
            Assert.Null((await northGrains.GetGrain<IDataSubjectGrain>($"{tenant}/s2").GetRecordAsync("contact", "Account management and service messages")).Record);
            Assert.True((await northGrains.GetGrain<IDataSubjectGrain>($"{tenant}/s3").PutRecordAsync(new PersonalDataRecord(
                "contact", "Account", Custodian.Subjects.LegalBasis.Contract,
                System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(new Dictionary<string, string> { ["email"] = "s3@example.org" })))).Violations.IsDefaultOrEmpty);

            var audited = await new AuditReader(northGrains, Platform.PairRegion, 4).ReadAllAsync(new AuditQuery(Action: "Regions:Promote"));
            Assert.Contains(audited, e => e.Entry.Record.Target == "tenant:" + tenant && e.Entry.Record.Outcome.Contains("eu-west -> eu-north at epoch 2", StringComparison.Ordinal));
            Assert.Contains(audited, e => e.Entry.Record.Outcome.StartsWith("refused: ", StringComparison.Ordinal));
        }
        finally
        {
            platform.WitnessLink.Restore();
            platform.PairLink.Restore();
        }

        try
        {
            // eu-west renews again, learns it no longer writes the tenant, and is fenced.
            var fenced = await Poll.UntilAsync(async () =>
            {
                try
                {
                    await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("late@example.org") });
                }
                catch (RpcException e) when (e.Status.Detail.Contains("written in region eu-north", StringComparison.Ordinal))
                {
                    return e;
                }

                throw new InvalidOperationException("eu-west still writes");
            }, TimeSpan.FromSeconds(20), e => e is InvalidOperationException or RpcException);
            Assert.Equal(StatusCode.Unavailable, fenced.StatusCode);

            // Its backlog of the tenant stays with it (the named loss), and eu-north's copy of s1 is not overwritten.
            await Task.Delay(TimeSpan.FromSeconds(3)); // a few drain passes
            var backlog = (await platform.BacklogAsync()).Where(r => r.PartitionKey == "t:" + tenant).ToList();
            Assert.Contains(backlog, r => r.GetString("Kind") == "State");
            Assert.Empty(await RegionCopies.RowsAsync(platform.PairAzurite, "CustodianState", r => r.PartitionKey.Contains(tenant, StringComparison.Ordinal) && r.PartitionKey.EndsWith("s2", StringComparison.Ordinal)));
            var s1 = northGrains.GetGrain<IDataSubjectGrain>($"{tenant}/s1");
            Assert.Equal("s1@example.org", (await s1.GetRecordAsync("contact", "Account management and service messages")).Record!.Record.Fields["email"]);
        }
        finally
        {
            await north.StopAsync();
            await north.DisposeAsync();
        }
    }
}
