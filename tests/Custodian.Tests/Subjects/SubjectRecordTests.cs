using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Grpc.Core;

namespace Custodian.Tests.Subjects;

[Collection(PlatformCollection.Name)]
public sealed class SubjectRecordTests(Platform platform)
{
    [Fact]
    public async Task RecordPutThroughTheGatewayReadsBackUnchangedAfterASiloRestart()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        var client = platform.Subjects(tenant);
        var record = SampleRecords.Contact($"{Guid.NewGuid():N}@example.org");

        // Act
        var put = await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = record });
        var before = await client.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "contact" });
        await platform.RestartSiloAsync();
        var after = await Poll.UntilAsync(
            async () => await client.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "contact" }),
            TimeSpan.FromSeconds(60),
            e => e is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.Internal });

        // Assert
        Assert.Equal(record, before.Record);
        Assert.Equal(record, after.Record);
        Assert.Equal(put.UpdatedAt, after.UpdatedAt);
    }

    [Fact]
    public async Task ListCategoriesShowsEachCategoryWithoutItsValues()
    {
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        var client = platform.Subjects(tenant);
        await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact("a@example.org") });
        await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Billing("DE02120300000000202051") });

        var list = await client.ListCategoriesAsync(new ListCategoriesRequest { Purpose = "support", TenantId = tenant, SubjectId = subject });

        Assert.Equal(["billing", "contact"], list.Categories.Select(c => c.Category));
        Assert.Equal(LegalBasis.Contract, list.Categories[0].LegalBasis);
        Assert.Equal(2, list.Categories[1].FieldCount);
        Assert.DoesNotContain("a@example.org", list.ToString());
    }

    [Fact]
    public async Task UnknownCategoryIsNotFound()
    {
        var tenant = Platform.NewId("acme");
        var client = platform.Subjects(tenant);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "nobody", Category = "contact" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}
