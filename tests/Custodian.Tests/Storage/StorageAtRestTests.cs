using System.Text;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;

namespace Custodian.Tests.Storage;

[Collection(PlatformCollection.Name)]
public sealed class StorageAtRestTests(Platform platform)
{
    [Fact]
    public async Task NoPersonalDataValueIsFoundInClearAnywhereInStorage()
    {
        // Arrange: values unique to this test
        var tenant = Platform.NewId("acme");
        var email = $"jane.{Guid.NewGuid():N}@example.org";
        var iban = $"DE{Random.Shared.NextInt64(10_000_000_000, 99_999_999_999)}{Random.Shared.NextInt64(10_000_000_000, 99_999_999_999)}";
        var client = platform.Subjects(tenant);
        var subject = Platform.NewId("subj");

        // Act
        await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact(email) });
        await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Billing(iban) });

        // Assert: scan every property of every entity in every table, and every blob
        string[] needles = [email, iban, "Jane Example"];
        var (scannedEntities, hits) = await ScanTablesAsync(needles);
        var (scannedBlobs, blobHits) = await ScanBlobsAsync(needles);
        Assert.True(scannedEntities > 0, "the scan found no entities at all");
        Assert.Empty(hits);
        Assert.Empty(blobHits);
        var stored = await new StoredEnvelopes(platform.Azurite).FindAsync(tenant, subject);
        Assert.True(StoredEnvelopes.Envelope(stored)["ciphertext"]!.GetValue<string>().Length > 0);
        Console.WriteLine($"scanned {scannedEntities} entities and {scannedBlobs} blobs: no personal data in clear");
    }

    [Theory]
    [InlineData("ciphertext", 0)]
    [InlineData("ciphertext", 77)]
    [InlineData("tag", 5)]
    [InlineData("tag", 127)]
    [InlineData("nonce", 0)]
    [InlineData("nonce", 95)]
    public async Task AlteredEnvelopeIsRefusedAndLeftAsItWas(string field, int bit)
    {
        // Arrange
        var (tenant, subject) = await StoreSubjectAsync();
        var envelopes = new StoredEnvelopes(platform.Azurite);
        var original = await envelopes.FindAsync(tenant, subject);
        var tampered = StoredEnvelopes.FlipBit(StoredEnvelopes.Envelope(original), field, bit);
        await envelopes.ReplaceAsync(original, tampered);
        await DeactivateAllAsync();

        // Act
        var error = await ReadFailureAsync(tenant, subject);

        // Assert
        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        Assert.Contains("integrity", error.Status.Detail);
        var after = StoredEnvelopes.Envelope(await envelopes.FindAsync(tenant, subject));
        Assert.Equal(tampered.ToJsonString(), after.ToJsonString());
    }

    [Fact]
    public async Task EnvelopeCopiedFromAnotherSubjectIsRefused()
    {
        // Arrange
        var (tenant, victim) = await StoreSubjectAsync();
        var (_, other) = await StoreSubjectAsync(tenant);
        var envelopes = new StoredEnvelopes(platform.Azurite);
        var victimRow = await envelopes.FindAsync(tenant, victim);
        var foreign = StoredEnvelopes.Envelope(await envelopes.FindAsync(tenant, other));
        await envelopes.ReplaceAsync(victimRow, foreign);
        await DeactivateAllAsync();

        // Act
        var error = await ReadFailureAsync(tenant, victim);

        // Assert
        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        Assert.Equal(foreign.ToJsonString(), StoredEnvelopes.Envelope(await envelopes.FindAsync(tenant, victim)).ToJsonString());
    }

    [Fact]
    public async Task WriteAfterRefusedReadDoesNotOverwriteTheStoredCopy()
    {
        var (tenant, subject) = await StoreSubjectAsync();
        var envelopes = new StoredEnvelopes(platform.Azurite);
        var original = await envelopes.FindAsync(tenant, subject);
        var tampered = StoredEnvelopes.FlipBit(StoredEnvelopes.Envelope(original), "ciphertext", 3);
        await envelopes.ReplaceAsync(original, tampered);
        await DeactivateAllAsync();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await platform.Subjects(tenant).PutRecordAsync(
            new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Billing("DE00") }));

        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        Assert.Equal(tampered.ToJsonString(), StoredEnvelopes.Envelope(await envelopes.FindAsync(tenant, subject)).ToJsonString());
    }

    private async Task<(string Tenant, string Subject)> StoreSubjectAsync(string? tenant = null)
    {
        tenant ??= Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        await platform.Subjects(tenant).PutRecordAsync(
            new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact($"{subject}@example.org") });
        return (tenant, subject);
    }

    private Task<RpcException> ReadFailureAsync(string tenant, string subject) =>
        Assert.ThrowsAsync<RpcException>(async () => await platform.Subjects(tenant).GetRecordAsync(
            new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "contact" }));

    /// <summary>Deactivates every grain, so the next call reads its state from storage again.</summary>
    private async Task DeactivateAllAsync() =>
        await platform.SiloGrains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    private async Task<(int Scanned, List<string> Hits)> ScanTablesAsync(string[] needles)
    {
        var scanned = 0;
        var hits = new List<string>();
        var tables = platform.Azurite.Tables;
        await foreach (var table in tables.QueryAsync())
        {
            await foreach (var entity in tables.GetTableClient(table.Name).QueryAsync<Azure.Data.Tables.TableEntity>())
            {
                scanned++;
                foreach (var (key, value) in entity)
                {
                    var text = value switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        BinaryData data => data.ToString(),
                        _ => value?.ToString() ?? "",
                    };
                    hits.AddRange(needles.Where(n => Contains(text, n)).Select(_ => $"{table.Name}/{entity.PartitionKey}/{key}"));
                }
            }
        }

        return (scanned, hits);
    }

    private async Task<(int Scanned, List<string> Hits)> ScanBlobsAsync(string[] needles)
    {
        var scanned = 0;
        var hits = new List<string>();
        var blobs = platform.Azurite.Blobs;
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                scanned++;
                var content = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
                hits.AddRange(needles.Where(n => Contains(content, n)).Select(_ => $"{container.Name}/{blob.Name}"));
            }
        }

        return (scanned, hits);
    }

    /// <summary>The value in clear, or base64-encoded in clear (as a naive store would hold bytes).</summary>
    private static bool Contains(string haystack, string needle) =>
        haystack.Contains(needle, StringComparison.Ordinal)
        || haystack.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(needle)), StringComparison.Ordinal);
}
