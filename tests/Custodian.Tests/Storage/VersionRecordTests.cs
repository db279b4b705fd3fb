using Azure;
using Azure.Data.Tables;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using Xunit.Abstractions;

namespace Custodian.Tests.Storage;

/// <summary>The platform with the authenticated version record kept in the witness's account.</summary>
public sealed class VersionRecordPlatform : Platform
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() => [new("SecureStorage:VersionRecord", "true")];
}

/// <summary>
/// With <c>SecureStorage:VersionRecord</c>, a rollback or reset of the states in both regions at once (which the
/// pair's copy cannot show) is refused too, and a forged record is reported and does not block the grain.
/// </summary>
public sealed class VersionRecordTests(VersionRecordPlatform platform, ITestOutputHelper output) : IClassFixture<VersionRecordPlatform>
{
    [Fact]
    public async Task ARollbackOrResetOfBothRegionsCopiesIsRefusedByTheVersionRecord()
    {
        // Arrange: two writes; both regions' copies of the first kept
        var tenant = Platform.NewId("record");
        var app = platform.Subjects(tenant);
        var grainId = $"datasubject/{tenant}/s1";
        var read = () => app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "s1", Category = "contact", Purpose = "billing" }).ResponseAsync;
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("v1@example.org") });
        var first = (Own: await RowAsync(platform.Azurite, grainId), Pair: await RowAsync(platform.PairAzurite, grainId));
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("v2@example.org") });
        var record = await platform.WitnessAzurite.Tables.GetTableClient("CustodianVersions").GetEntityAsync<TableEntity>(StoredEnvelopes.StateKey(grainId), "subject");

        // Act 1: both copies rolled back to the first write
        await ReplaceAsync(platform.Azurite, first.Own);
        await ReplaceAsync(platform.PairAzurite, first.Pair);
        await Deactivate();
        var rolledBack = await Assert.ThrowsAsync<RpcException>(read);

        // Act 2: both copies deleted
        await platform.Azurite.Tables.GetTableClient("CustodianState").DeleteEntityAsync(first.Own.PartitionKey, first.Own.RowKey, ETag.All);
        await platform.PairAzurite.Tables.GetTableClient("CustodianState").DeleteEntityAsync(first.Pair.PartitionKey, first.Pair.RowKey, ETag.All);
        await Deactivate();
        var reset = await Assert.ThrowsAsync<RpcException>(read);

        // Assert
        output.WriteLine($"rolled back: {rolledBack.Status.Detail}");
        output.WriteLine($"reset: {reset.Status.Detail}");
        Assert.Equal(2, record.Value.GetInt64("Version"));
        Assert.Equal(StatusCode.DataLoss, rolledBack.StatusCode);
        Assert.Contains("the version record holds a later write made here (epoch 1, version 2, written in eu-west)", rolledBack.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.DataLoss, reset.StatusCode);
        Assert.Contains("its state row is missing while the version record holds a write made here", reset.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AForgedVersionRecordIsReportedAndDoesNotBlockTheGrain()
    {
        var tenant = Platform.NewId("record");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("v1@example.org") });
        var versions = platform.WitnessAzurite.Tables.GetTableClient("CustodianVersions");
        var key = StoredEnvelopes.StateKey($"datasubject/{tenant}/s1");
        var row = (await versions.GetEntityAsync<TableEntity>(key, "subject")).Value;
        row["Version"] = 99L; // a later write, without the key to MAC it
        await versions.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
        await Deactivate();

        var served = await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "s1", Category = "contact", Purpose = "billing" });
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("v2@example.org") });

        Assert.Equal("v1@example.org", served.Record.Fields["email"]);
        Assert.Equal(2, (await versions.GetEntityAsync<TableEntity>(key, "subject")).Value.GetInt64("Version"));
        var alerts = await platform.SiloGrains.GetGrain<Custodian.Security.ISecurityAlertsGrain>(Platform.Region).ListAsync(null, 100);
        Assert.Contains(alerts, a => a.Rule == "state-integrity" && a.Detail.Contains($"datasubject/{tenant}/s1: its version record fails its MAC", StringComparison.Ordinal));
    }

    private Task Deactivate() => platform.SiloGrains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    private static async Task<TableEntity> RowAsync(AzuriteServer azurite, string grainId) =>
        await StoredEnvelopes.RowOfAsync(azurite, grainId) ?? throw new InvalidOperationException($"no state row of {grainId}");

    private static Task ReplaceAsync(AzuriteServer azurite, TableEntity row) =>
        azurite.Tables.GetTableClient("CustodianState").UpdateEntityAsync(
            new TableEntity(row.PartitionKey, row.RowKey) { ["Data"] = row.GetBinary("Data") }, ETag.All, TableUpdateMode.Replace);
}
