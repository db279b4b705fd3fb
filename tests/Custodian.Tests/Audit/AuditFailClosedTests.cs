using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;

namespace Custodian.Tests.Audit;

/// <summary>A platform of its own: these tests break its audit store on purpose.</summary>
public sealed class AuditFaultPlatform : Platform;

public sealed class AuditFailClosedTests(AuditFaultPlatform platform) : IClassFixture<AuditFaultPlatform>
{
    [Fact]
    public async Task WhileTheAuditStoreIsGoneEveryCallFailsUnavailableAndNothingChanges()
    {
        // Arrange: a stored record, then the audit store taken away
        var tenant = Platform.NewId("acme");
        var subjects = platform.Subjects(tenant);
        await subjects.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("before@example.org") });
        var audit = platform.Azurite.Tables.GetTableClient("CustodianAudit");
        await audit.DeleteAsync();

        // Act
        var write = await Assert.ThrowsAsync<RpcException>(async () => await subjects.PutRecordAsync(
            new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("during@example.org") }));
        var create = await Assert.ThrowsAsync<RpcException>(async () => await subjects.PutRecordAsync(
            new PutRecordRequest { TenantId = tenant, SubjectId = "s2", Record = SampleRecords.Contact("new@example.org") }));
        var read = await Assert.ThrowsAsync<RpcException>(async () => await subjects.GetRecordAsync(
            new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" }));
        await audit.CreateIfNotExistsAsync();
        var after = await Poll.UntilAsync(
            async () => await subjects.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" }),
            TimeSpan.FromSeconds(30),
            e => e is RpcException { StatusCode: StatusCode.Unavailable });
        var neverCreated = await Assert.ThrowsAsync<RpcException>(async () => await subjects.GetRecordAsync(
            new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s2", Category = "contact" }));

        // Assert
        Assert.Equal([StatusCode.Unavailable, StatusCode.Unavailable, StatusCode.Unavailable], new[] { write.StatusCode, create.StatusCode, read.StatusCode });
        Assert.Equal("before@example.org", after.Record.Fields["email"]);
        Assert.Equal(StatusCode.NotFound, neverCreated.StatusCode);
    }
}
