using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Google.Rpc;
using Grpc.Core;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Tests.Gateway;

[Collection(PlatformCollection.Name)]
public sealed class InputValidationTests(Platform platform)
{
    private const string Tenant = "acme-validation";

    public static TheoryData<string, Func<PutRecordRequest, PutRecordRequest>> BadPuts => new()
    {
        { "tenant_id", r => With(r, x => x.TenantId = "") },
        { "subject_id", r => With(r, x => x.SubjectId = "") },
        { "subject_id", r => With(r, x => x.SubjectId = new string('s', 129)) },
        { "subject_id", r => With(r, x => x.SubjectId = "jane@example.org") },
        { "subject_id", r => With(r, x => x.SubjectId = "a/b") },
        { "record", r => With(r, x => x.Record = null) },
        { "record.category", r => With(r, x => x.Record.Category = "") },
        { "record.category", r => With(r, x => x.Record.Category = "Contact Details") },
        { "record.purpose", r => With(r, x => x.Record.Purpose = " ") },
        { "record.legal_basis", r => With(r, x => x.Record.LegalBasis = LegalBasis.Unspecified) },
        { "record.fields", r => With(r, x => x.Record.Fields.Clear()) },
        { "record.fields", r => With(r, x => x.Record.Fields["bad name!"] = "v") },
        { "record.fields", r => With(r, x => x.Record.Fields["notes"] = new string('x', 64 * 1024)) },
    };

    [Theory]
    [MemberData(nameof(BadPuts))]
    public async Task BadPutIsInvalidArgumentNamingTheField(string field, Func<PutRecordRequest, PutRecordRequest> spoil)
    {
        // Arrange
        var subject = Platform.NewId("subj");
        var request = spoil(new PutRecordRequest { TenantId = Tenant, SubjectId = subject, Record = SampleRecords.Contact("v@example.org") });

        // Act
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client().PutRecordAsync(request));

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var details = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(details);
        Assert.Contains(details.FieldViolations, v => v.Field == field);
        Assert.Contains(field, error.Status.Detail);
        Assert.DoesNotContain("v@example.org", error.Status.Detail);
    }

    [Fact]
    public async Task RecordOfExactly64KiBIsAcceptedAndOneByteMoreIsNot()
    {
        var subject = Platform.NewId("subj");
        var record = SampleRecords.Billing("x");
        record.Fields.Clear();
        record.Fields["notes"] = new string('x', 64 * 1024 - "notes".Length);

        await Client().PutRecordAsync(new PutRecordRequest { TenantId = Tenant, SubjectId = subject, Record = record });
        record.Fields["notes"] += "x";
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client().PutRecordAsync(new PutRecordRequest { TenantId = Tenant, SubjectId = subject, Record = record }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Theory]
    [InlineData("", "subj", "contact", "tenant_id")]
    [InlineData(Tenant, "", "contact", "subject_id")]
    [InlineData(Tenant, "subj", "", "category")]
    [InlineData(Tenant, "subj", "x/y", "category")]
    public async Task BadGetIsInvalidArgumentNamingTheField(string tenant, string subject, string category, string field)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client().GetRecordAsync(
            new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = category }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == field);
    }

    [Fact]
    public async Task RejectedPutStoresNothing()
    {
        var subject = Platform.NewId("subj");
        var record = SampleRecords.Contact("v@example.org");
        record.LegalBasis = LegalBasis.Unspecified;

        await Assert.ThrowsAsync<RpcException>(async () =>
            await Client().PutRecordAsync(new PutRecordRequest { TenantId = Tenant, SubjectId = subject, Record = record }));
        var list = await Client().ListCategoriesAsync(new ListCategoriesRequest { Purpose = "support", TenantId = Tenant, SubjectId = subject });

        Assert.Empty(list.Categories);
    }

    private SubjectsClient Client() => platform.Subjects(Tenant);

    private static PutRecordRequest With(PutRecordRequest request, Action<PutRecordRequest> change)
    {
        var copy = request.Clone();
        change(copy);
        return copy;
    }
}
