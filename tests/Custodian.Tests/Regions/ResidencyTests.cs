using System.Collections.Immutable;
using System.Text;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Silo;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Custodian.Tests.Regions;

/// <summary>
/// Residency: a tenant of zone eu (eu-west + eu-north) leaves nothing in zone us. A silo of us-east (its
/// own Azurite, us-west's as its pair) serves tenant globex beside the eu platform; afterwards every table
/// and blob of us-east's and us-west's accounts is scanned for the eu tenant's planted values, its subjects'
/// keyed hashes and its grain ids. And eu-west refuses globex's calls rather than storing them.
/// </summary>
public sealed class ResidencyTests(GeoPlatform platform, ITestOutputHelper output) : IClassFixture<GeoPlatform>
{
    [Fact]
    public async Task AZoneOfOtherRegionsHoldsNothingOfAnEuTenant()
    {
        await using var usEast = await AzuriteServer.StartAsync();
        await using var usWest = await AzuriteServer.StartAsync();
        var usSilo = await UsEastSiloAsync(usEast, usWest);
        try
        {
            var tenant = Platform.NewId("eu");
            var planted = Enumerable.Range(0, 5).Select(i => $"planted-{Guid.NewGuid():N}@example.org").ToList();
            var app = platform.Subjects(tenant);
            for (var i = 0; i < planted.Count; i++)
            {
                await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = $"s{i}", Record = SampleRecords.Contact(planted[i]) });
            }

            await app.EraseAsync(new EraseRequest { TenantId = tenant, SubjectId = "s0", Reason = "request REQ-residency" });

            // globex, homed in zone us, is written in us-east and replicated to us-west ...
            var globex = usSilo.Services.GetRequiredService<IGrainFactory>().GetGrain<IDataSubjectGrain>("globex/g1");
            Assert.True((await globex.PutRecordAsync(new PersonalDataRecord("contact", "Account", Custodian.Subjects.LegalBasis.Contract,
                ImmutableSortedDictionary.CreateRange(new Dictionary<string, string> { ["email"] = "g1@example.org" })))).Violations.IsDefaultOrEmpty);

            // ... and the eu platform refuses it instead of storing it in eu-west.
            var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                await platform.Subjects("globex").PutRecordAsync(new PutRecordRequest { TenantId = "globex", SubjectId = "g2", Record = SampleRecords.Contact("g2@example.org") }));
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.Contains("us-east", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Empty(await RegionCopies.RowsAsync(platform.Azurite, "CustodianState", r => r.PartitionKey.Contains("globex", StringComparison.Ordinal)));

            string[] forbidden =
            [
                tenant,
                .. planted,
                .. Enumerable.Range(0, planted.Count).Select(i => platform.AuditKeys.Subject(tenant, $"s{i}")),
                .. Enumerable.Range(0, planted.Count).Select(i => $"datasubject/{tenant}/s{i}"),
            ];
            var scanned = 0;
            foreach (var (name, account) in new[] { ("us-east", usEast), ("us-west", usWest) })
            {
                var (items, found) = await ScanAsync(account, forbidden);
                scanned += items;
                output.WriteLine($"{name}: {items} rows and blobs scanned, {found.Count} holding anything of {tenant}");
                Assert.Empty(found);
            }

            // The scan is not vacuous: the us accounts do hold globex's data, and eu-north holds the eu tenant's.
            Assert.NotEmpty((await ScanAsync(usWest, ["datasubject/globex/g1"])).Found);
            Assert.NotEmpty((await ScanAsync(platform.PairAzurite, [$"datasubject/{tenant}/s1"])).Found);
            Assert.True(scanned > 10, $"only {scanned} items scanned");
        }
        finally
        {
            await usSilo.StopAsync();
            await usSilo.DisposeAsync();
        }
    }

    private async Task<WebApplication> UsEastSiloAsync(AzuriteServer own, AzuriteServer pair)
    {
        var settings = platform.SiloSettingsOf("us-east", own, "us-west", pair);
        var silo = SiloApp.Build([], (c, _) => c.AddInMemoryCollection(settings));
        await silo.StartAsync();
        return silo;
    }

    /// <summary>Every table row (keys and every property, binary ones as UTF-8 and base64) and every blob's bytes, searched for <paramref name="needles"/>.</summary>
    private static async Task<(int Items, List<string> Found)> ScanAsync(AzuriteServer account, string[] needles)
    {
        var found = new List<string>();
        var items = 0;
        void Search(string where, string text)
        {
            items++;
            found.AddRange(needles.Where(n => text.Contains(n, StringComparison.Ordinal)).Select(n => $"{where} holds '{n}'"));
        }

        await foreach (var table in account.Tables.QueryAsync())
        {
            await foreach (var row in account.Tables.GetTableClient(table.Name).QueryAsync<Azure.Data.Tables.TableEntity>())
            {
                var text = new StringBuilder($"{Uri.UnescapeDataString(row.PartitionKey)}|{Uri.UnescapeDataString(row.RowKey)}|{row.PartitionKey}|{row.RowKey}");
                foreach (var (_, value) in row)
                {
                    text.Append('|').Append(value is byte[] bytes ? Encoding.UTF8.GetString(bytes) + "|" + Convert.ToBase64String(bytes) : value?.ToString());
                }

                // Orleans' table keys replace '/' in grain ids; search both spellings.
                Search($"{table.Name} row", text.ToString() + "|" + text.ToString().Replace('_', '/'));
            }
        }

        await foreach (var container in account.Blobs.GetBlobContainersAsync())
        {
            var client = account.Blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                var content = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                Search($"blob {container.Name}/{blob.Name}", blob.Name + "|" + Encoding.UTF8.GetString(content));
            }
        }

        return (items, found);
    }
}
