using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Grpc.Core;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

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
        var client = new SubjectsClient(platform.Channel());
        var headers = new Metadata { { "Authorization", "Bearer " + platform.Token(tenant, "app") } };
        var record = SampleRecords.Contact($"{Guid.NewGuid():N}@example.org");

        // Act
        var put = await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = record }, headers);
        var before = await client.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact" }, headers);
        await platform.RestartSiloAsync();
        var after = await Poll.UntilAsync(
            async () => await client.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact" }, headers),
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
        var client = new SubjectsClient(platform.Channel());
        var headers = new Metadata { { "Authorization", "Bearer " + platform.Token(tenant, "app") } };
        await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact("a@example.org") }, headers);
        await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Billing("DE02120300000000202051") }, headers);

        var list = await client.ListCategoriesAsync(new ListCategoriesRequest { TenantId = tenant, SubjectId = subject }, headers);

        Assert.Equal(["billing", "contact"], list.Categories.Select(c => c.Category));
        Assert.Equal(LegalBasis.Contract, list.Categories[0].LegalBasis);
        Assert.Equal(2, list.Categories[1].FieldCount);
        Assert.DoesNotContain("a@example.org", list.ToString());
    }

    [Fact]
    public async Task UnknownCategoryIsNotFound()
    {
        var tenant = Platform.NewId("acme");
        var client = new SubjectsClient(platform.Channel());
        var headers = new Metadata { { "Authorization", "Bearer " + platform.Token(tenant, "app") } };

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "nobody", Category = "contact" }, headers));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}
