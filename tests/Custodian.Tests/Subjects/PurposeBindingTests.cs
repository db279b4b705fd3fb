using System.Text.Json;
using Custodian.Audit;
using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Access;
using Custodian.Tests.Infrastructure;
using Google.Rpc;
using Grpc.Core;

namespace Custodian.Tests.Subjects;

/// <summary>Purpose binding (Art. 5(1)(b), 18, 21): no read of personal data without a purpose, and every read's purpose in the trail.</summary>
public sealed class PurposeBindingTests(AccessPlatform platform) : IClassFixture<AccessPlatform>
{
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Fact]
    public async Task AClientApplicationThatDeclaresNoPurposeReadsNothingOfASubjectWhoObjectedToMarketing()
    {
        // Arrange: a subject who objected to direct marketing
        var (tenant, subject, app) = await SubjectAsync();
        await app.ObjectAsync(new ObjectRequest { TenantId = tenant, SubjectId = subject, Purpose = "marketing", DirectMarketing = true });
        var since = Now;

        // Act: each read of personal data without a purpose
        var refusals = new Dictionary<string, RpcException>
        {
            ["GetRecord"] = await Assert.ThrowsAsync<RpcException>(async () => await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact" })),
            ["ListCategories"] = await Assert.ThrowsAsync<RpcException>(async () => await app.ListCategoriesAsync(new ListCategoriesRequest { TenantId = tenant, SubjectId = subject })),
            ["ListRecipients"] = await Assert.ThrowsAsync<RpcException>(async () => await app.ListRecipientsAsync(new ListRecipientsRequest { TenantId = tenant, SubjectId = subject })),
        };
        var marketing = await Assert.ThrowsAsync<RpcException>(async () => await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = "marketing" }));

        // Assert
        Assert.All(refusals.Values, e => AssertViolation(e, "purpose"));
        Assert.Equal(StatusCode.FailedPrecondition, marketing.StatusCode);
        var entries = await platform.AuditEntriesAsync(new AuditQuery(Target: platform.AuditKeys.Subject(tenant, subject), From: since));
        Assert.DoesNotContain(entries, e => e.Record.Outcome == "allowed" && e.Record.Purpose.Length == 0);
        Assert.Contains(entries, e => e.Record.Outcome == "refused:objected" && e.Record.Purpose == "marketing");
    }

    [Fact]
    public async Task EveryReadsPurposeIsInItsAuditEntryAndInTheSubjectsAccessLog()
    {
        // Arrange: reads by the app for billing, by staff under a grant for legal claims
        var (tenant, subject, app) = await SubjectAsync();
        var staff = Platform.NewId("staff");
        var grant = await platform.IssueAsync(staff, tenant, [subject], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1), purpose: "legal-claims");
        await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = "billing" });
        await app.ListCategoriesAsync(new ListCategoriesRequest { TenantId = tenant, SubjectId = subject, Purpose = "support" });
        await platform.SubjectsAs(staff, null, "staff").GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact" });

        // Act
        var export = await app.ExportAsync(new ExportRequest { TenantId = tenant, SubjectId = subject });

        // Assert: the trail's entries, and the export's access log, name each purpose
        var entries = (await platform.AuditEntriesAsync(new AuditQuery(Target: platform.AuditKeys.Subject(tenant, subject)))).Select(e => e.Record).ToList();
        Assert.Contains(entries, r => r.GrantId == "role:app" && r.Action.EndsWith("/GetRecord", StringComparison.Ordinal) && r.Purpose == "billing");
        Assert.Contains(entries, r => r.GrantId == "role:app" && r.Action.EndsWith("/ListCategories", StringComparison.Ordinal) && r.Purpose == "support");
        Assert.Contains(entries, r => r.GrantId == grant.GrantId && r.Purpose == "legal-claims");
        Assert.Contains(entries, r => r.GrantId == "role:app" && r.Action.EndsWith("/Export", StringComparison.Ordinal) && r.Purpose == "subject-access");
        using var document = JsonDocument.Parse(export.Json.ToStringUtf8());
        var log = document.RootElement.GetProperty("accessLog").EnumerateArray().Select(e => (Action: e.GetProperty("action").GetString()!, Purpose: e.GetProperty("purpose").GetString())).ToList();
        Assert.Contains(log, e => e.Action.EndsWith("/GetRecord", StringComparison.Ordinal) && e.Purpose == "billing");
        Assert.Contains(log, e => e.Action.EndsWith("/GetRecord", StringComparison.Ordinal) && e.Purpose == "legal-claims");
    }

    [Fact]
    public async Task AGrantsPurposeIsAPurposeIdentifierThatAnObjectionMatches()
    {
        // Arrange: a subject who objects to processing for support
        var (tenant, subject, app) = await SubjectAsync();
        await app.ObjectAsync(new ObjectRequest { TenantId = tenant, SubjectId = subject, Purpose = "support" });
        var staff = Platform.NewId("staff");

        // Act
        var freeText = await Assert.ThrowsAsync<RpcException>(() =>
            platform.IssueAsync(staff, tenant, [subject], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1), purpose: "support case"));
        await platform.IssueAsync(staff, tenant, [subject], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1), purpose: "support");
        var reader = platform.SubjectsAs(staff, null, "staff");
        var objected = await Assert.ThrowsAsync<RpcException>(async () => await reader.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact" }));
        var otherPurpose = await Assert.ThrowsAsync<RpcException>(async () => await reader.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = "billing" }));

        // Assert
        AssertViolation(freeText, "purpose");
        Assert.Equal(StatusCode.FailedPrecondition, objected.StatusCode);
        Assert.Contains("objected", objected.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, otherPurpose.StatusCode); // a grant for support reads for nothing else
    }

    private async Task<(string Tenant, string Subject, Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient App)> SubjectAsync()
    {
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact("purpose-3318@example.org") });
        return (tenant, subject, app);
    }

    private static void AssertViolation(RpcException error, string field)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == field);
    }
}
