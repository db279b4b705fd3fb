using Azure.Data.Tables;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;

namespace Custodian.Tests.Storage;

[Collection(PlatformCollection.Name)]
public sealed class DataKeyTableTests(Platform platform)
{
    [Fact]
    public async Task EachSubjectHasItsOwnDataKeyStoredWrappedInTheKeyTable()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var client = platform.Subjects(tenant);
        string[] subjects = [Platform.NewId("subj"), Platform.NewId("subj")];

        // Act
        foreach (var subject in subjects)
        {
            await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact("k@example.org") });
        }

        // Assert
        var envelopes = new StoredEnvelopes(platform.Azurite);
        var keyIds = new List<string>();
        foreach (var subject in subjects)
        {
            var keyId = StoredEnvelopes.Envelope(await envelopes.FindAsync(tenant, subject))["keyId"]!.GetValue<string>();
            var row = await FindKeyRowAsync(keyId);
            Assert.Equal($"datasubject/{tenant}/{subject}", row.GetString("GrainId"));
            Assert.Equal("local/eu-west/1", row.GetString("KekId"));
            Assert.Equal(12 + 32 + 16, row.GetBinary("WrappedKey").Length);
            keyIds.Add(keyId);
        }

        Assert.Equal(2, keyIds.Distinct().Count());
    }

    private async Task<TableEntity> FindKeyRowAsync(string keyId)
    {
        var keys = platform.Azurite.Tables.GetTableClient("CustodianKeys");
        await foreach (var row in keys.QueryAsync<TableEntity>(e => e.GetString("KeyId") == keyId))
        {
            return row;
        }

        throw new InvalidOperationException("no key row with that key id");
    }
}
