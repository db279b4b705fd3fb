using System.Net;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Silo;
using Custodian.Tests.Subjects;
using Grpc.Core;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Tests.Gateway;

[Collection(PlatformCollection.Name)]
public sealed class SourceAddressInLogsTests(Platform platform)
{
    [Fact]
    public async Task ACallersSourceAddressIsInTheAuditTrailButInNoLogLineOfInformationOrAbove()
    {
        // Arrange: a caller from an address of its own
        var source = Platform.NewSource();
        var tenant = Platform.NewId("acme");
        var app = new SubjectsClient(platform.Channel(platform.Token(tenant, "app"), source));
        var before = platform.Logs.Lines.Count;
        var since = DateTimeOffset.UtcNow;

        // Act: an allowed write and read, a denied read, a call without a token, a role it lacks, a refused dashboard login
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("ip-5512@example.org") });
        await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "s1", Category = "contact", Purpose = "support" });
        await Assert.ThrowsAsync<RpcException>(async () => await app.GetRecordAsync(new GetRecordRequest { TenantId = "someone-else", SubjectId = "s1", Category = "contact", Purpose = "support" }));
        await Assert.ThrowsAsync<RpcException>(async () => await new SubjectsClient(platform.Channel(null, source)).ListCategoriesAsync(new ListCategoriesRequest { TenantId = tenant, SubjectId = "s1", Purpose = "support" }));
        await Assert.ThrowsAsync<RpcException>(async () => await new Custodian.Gateway.Protos.Access.Access.AccessClient(platform.Channel(platform.Token(tenant, "app"), source)).ListGrantLogAsync(new()));
        using (var dashboard = DashboardLogins.Client(platform, new CookieContainer(), source))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await DashboardLogins.LoginAsync(dashboard, "not.a.token")).StatusCode);
        }

        // Assert
        var address = source.ToString();
        var audited = await platform.AuditEntriesAsync(new Custodian.Audit.AuditQuery(From: since));
        Assert.True(audited.Count(e => e.Record.SourceIp == address) >= 5, "the trail keeps the source of each decision");
        var lines = platform.Logs.Lines.Skip(before).Where(l => !l.StartsWith("Debug ", StringComparison.Ordinal) && !l.StartsWith("Trace ", StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, l => l.Contains("Access denied", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(address, StringComparison.Ordinal));

        // Allowed decisions are logged at Debug only (the trail holds each), and without the address there too
        var allowed = platform.Logs.Lines.Skip(before).Where(l => l.Contains("Access allowed", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(allowed);
        Assert.All(allowed, l => Assert.StartsWith("Debug ", l, StringComparison.Ordinal));
        Assert.DoesNotContain(allowed, l => l.Contains(address, StringComparison.Ordinal));
    }
}
