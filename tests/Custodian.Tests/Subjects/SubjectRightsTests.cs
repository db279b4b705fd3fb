using System.Text.Json;
using Custodian.Audit;
using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Keys;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Access;
using Custodian.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Xunit.Abstractions;
using Record = Custodian.Gateway.Protos.Subjects.Record;

namespace Custodian.Tests.Subjects;

/// <summary>Art. 15–21 through the gateway: export, restriction, objection, rectification, erasure, recipients.</summary>
public sealed class SubjectRightsTests(AccessPlatform platform, ITestOutputHelper output) : IClassFixture<AccessPlatform>
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task ExportHoldsEveryRecordTheArt15InformationAndTheAccessLogOfTheReadsAndNothingOfOthers()
    {
        // Arrange: three categories (one not provided by the subject), a recipient, an other subject, reads by the app and by staff
        var (tenant, subject, app) = await SubjectWithThreeCategoriesAsync();
        var other = Platform.NewId("other");
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = other, Record = SampleRecords.Contact("someone-else-7731@example.org") });
        await app.SetRecipientsAsync(Recipients(tenant, subject, "contact", ("Acme Mailer Ltd", "dpo@mailer.example", "")));
        await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = "billing" });
        var staff = Platform.NewId("staff");
        var grant = await platform.IssueAsync(staff, tenant, [subject], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1), purpose: "legal-claims");
        await platform.SubjectsAs(staff, null, "staff").GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "billing" });

        // Act
        var access = await app.ExportAsync(new ExportRequest { TenantId = tenant, SubjectId = subject });
        var portability = await app.ExportAsync(new ExportRequest { TenantId = tenant, SubjectId = subject, Portability = true });

        // Assert: every field of every category, the Art. 15(1) information, the reads, nothing of the other subject
        var text = access.Json.ToStringUtf8();
        output.WriteLine(text);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var records = root.GetProperty("records").EnumerateArray().ToDictionary(r => r.GetProperty("category").GetString()!);
        Assert.Equal(["billing", "contact", "preferences"], records.Keys.Order());
        Assert.Equal("DE89370400440532013000", records["billing"].GetProperty("fields").GetProperty("iban").GetString());
        Assert.Equal("jane-4411@example.org", records["contact"].GetProperty("fields").GetProperty("email").GetString());
        Assert.Equal("weekly", records["preferences"].GetProperty("fields").GetProperty("newsletter").GetString());
        var information = root.GetProperty("information");
        foreach (var part in new[] { "purposes", "categories", "recipients", "retention", "sources", "rights", "complaint", "automatedDecisionMaking" })
        {
            Assert.True(information.TryGetProperty(part, out _), $"the Art. 15(1) information has {part}");
        }

        Assert.Equal("Acme Mailer Ltd", information.GetProperty("recipients")[0].GetProperty("name").GetString());
        Assert.Contains(information.GetProperty("retention").EnumerateArray(), r => r.GetProperty("retention").GetString() == "24 months after the last order");
        Assert.Contains(information.GetProperty("sources").EnumerateArray(), r => r.GetProperty("source").GetString() == "crm-import");
        var log = root.GetProperty("accessLog").EnumerateArray().ToList();
        Assert.Contains(log, e => e.GetProperty("actor").GetString() == staff && e.GetProperty("allowedBy").GetString() == grant.GrantId
            && e.GetProperty("purpose").GetString() == "legal-claims" && e.GetProperty("action").GetString()!.StartsWith("Read:", StringComparison.Ordinal));
        Assert.Contains(log, e => e.GetProperty("allowedBy").GetString() == "role:app" && e.GetProperty("action").GetString()!.EndsWith("/GetRecord", StringComparison.Ordinal));
        Assert.Equal(log.Count, access.AccessLogEntries);
        Assert.DoesNotContain("someone-else-7731", text);
        Assert.DoesNotContain(other, text);

        var portable = JsonDocument.Parse(portability.Json.ToStringUtf8()).RootElement;
        Assert.Equal(["billing", "contact"], portable.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("category").GetString()).Order());
        Assert.False(portable.TryGetProperty("accessLog", out _));
    }

    [Fact]
    public async Task RestrictedSubjectRefusesReadsForMarketingAndAllowsReadsForLegalClaimsWhichAreAudited()
    {
        // Arrange: a restricted subject, one staff member granted for marketing, one for legal claims
        var (tenant, subject, app) = await SubjectWithThreeCategoriesAsync();
        await app.SetRecipientsAsync(Recipients(tenant, subject, "contact", ("Acme Mailer Ltd", $"{subject}@mailer.example", "")));
        var restricted = await app.RestrictAsync(new RestrictRequest { TenantId = tenant, SubjectId = subject, Ground = RestrictionGround.AccuracyContested });
        var (marketer, lawyer) = (Platform.NewId("marketer"), Platform.NewId("lawyer"));
        var marketing = await platform.IssueAsync(marketer, tenant, [subject], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1), purpose: "marketing");
        var legal = await platform.IssueAsync(lawyer, tenant, [subject], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1), purpose: "legal-claims");
        var read = new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact" };

        // Act
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await platform.SubjectsAs(marketer, null, "staff").GetRecordAsync(read));
        var allowed = await platform.SubjectsAs(lawyer, null, "staff").GetRecordAsync(read);
        var appWithoutPurpose = await Assert.ThrowsAsync<RpcException>(async () => await app.GetRecordAsync(read));

        // Assert
        Assert.Equal(1, restricted.NoticesQueued);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal("jane-4411@example.org", allowed.Record.Fields["email"]);
        AssertViolation(appWithoutPurpose, "purpose"); // a client application declares the purpose of every read
        var target = platform.AuditKeys.Subject(tenant, subject);
        var entries = (await platform.AuditEntriesAsync(new AuditQuery(Target: target))).Select(e => e.Record).ToList();
        Assert.Contains(entries, r => r.Actor == marketer && r.GrantId == marketing.GrantId && r.Outcome == "refused:restricted");
        Assert.Contains(entries, r => r.Actor == lawyer && r.GrantId == legal.GrantId && r.Outcome == "allowed" && r.Purpose == "legal-claims" && r.Action.StartsWith("Read:", StringComparison.Ordinal));
        var notice = await Poll.UntilAsync(() => Task.FromResult(platform.Mail.Received.Single(m => m.Recipients.Contains($"{subject}@mailer.example"))), TimeSpan.FromSeconds(30), e => e is InvalidOperationException);
        Assert.Contains("restricted", notice.Body);
        Assert.DoesNotContain("jane-4411", notice.Body);
    }

    [Fact]
    public async Task LiftingARestrictionNeedsTheSubjectInformedBeforehand()
    {
        var (tenant, subject, app) = await SubjectWithThreeCategoriesAsync();
        await app.RestrictAsync(new RestrictRequest { TenantId = tenant, SubjectId = subject, Ground = RestrictionGround.ObjectionPending });
        var read = new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = "billing" };

        var withoutInforming = await Assert.ThrowsAsync<RpcException>(async () => await app.LiftRestrictionAsync(new LiftRestrictionRequest { TenantId = tenant, SubjectId = subject }));
        var informedLater = await Assert.ThrowsAsync<RpcException>(async () => await app.LiftRestrictionAsync(new LiftRestrictionRequest
        {
            TenantId = tenant, SubjectId = subject, SubjectInformedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)),
        }));
        var stillRestricted = await Assert.ThrowsAsync<RpcException>(async () => await app.GetRecordAsync(read));
        await app.LiftRestrictionAsync(new LiftRestrictionRequest { TenantId = tenant, SubjectId = subject, SubjectInformedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) });
        var afterLifting = await app.GetRecordAsync(read);

        AssertViolation(withoutInforming, "subject_informed_at");
        Assert.Equal(StatusCode.FailedPrecondition, informedLater.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, stillRestricted.StatusCode);
        Assert.Equal("jane-4411@example.org", afterLifting.Record.Fields["email"]);
    }

    [Fact]
    public async Task ObjectionToDirectMarketingIsAbsoluteAndOtherObjectionsYieldOnlyToRecordedGrounds()
    {
        var (tenant, subject, app) = await SubjectWithThreeCategoriesAsync();
        var officer = new Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient(platform.Channel(platform.Token(null, "officer")));
        Func<string, Task<GetRecordResponse>> readFor = purpose => app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = purpose }).ResponseAsync;

        await app.ObjectAsync(new ObjectRequest { TenantId = tenant, SubjectId = subject, Purpose = "marketing" });
        await app.ObjectAsync(new ObjectRequest { TenantId = tenant, SubjectId = subject, Purpose = "profiling" });
        var marketingRefused = await Assert.ThrowsAsync<RpcException>(() => readFor("marketing"));
        var profilingRefused = await Assert.ThrowsAsync<RpcException>(() => readFor("profiling"));
        var billingAllowed = await readFor("billing");
        var overrideMarketing = await Assert.ThrowsAsync<RpcException>(async () => await officer.RecordCompellingGroundsAsync(new RecordCompellingGroundsRequest
        {
            TenantId = tenant, SubjectId = subject, Purpose = "marketing", Grounds = "campaign already paid for",
        }));
        await officer.RecordCompellingGroundsAsync(new RecordCompellingGroundsRequest { TenantId = tenant, SubjectId = subject, Purpose = "profiling", Grounds = "fraud prevention required by the card scheme" });
        var profilingAfterGrounds = await readFor("profiling");

        Assert.Equal(StatusCode.FailedPrecondition, marketingRefused.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, profilingRefused.StatusCode);
        Assert.NotNull(billingAllowed.Record);
        Assert.Equal(StatusCode.FailedPrecondition, overrideMarketing.StatusCode);
        Assert.Contains("absolute", overrideMarketing.Status.Detail);
        Assert.Equal("jane-4411@example.org", profilingAfterGrounds.Record.Fields["email"]);
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => readFor("marketing"))).StatusCode);
    }

    [Fact]
    public async Task RectificationChangesTheFieldKeepsOnlyDigestsInTheTrailAndNotifiesTheRecipients()
    {
        var (tenant, subject, app) = await SubjectWithThreeCategoriesAsync();
        var recipient = $"{subject}@crm.example";
        await app.SetRecipientsAsync(Recipients(tenant, subject, "contact", ("Acme CRM", recipient, "US")));

        var rectified = await app.RectifyAsync(new RectifyRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Fields = { ["email"] = "jane-new-9981@example.org" } });
        var after = await app.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "contact" });

        Assert.Equal(["email"], rectified.ChangedFields);
        Assert.Equal(1, rectified.NoticesQueued);
        Assert.Equal("jane-new-9981@example.org", after.Record.Fields["email"]);
        Assert.Equal("Jane Example", after.Record.Fields["name"]);
        var digests = (await platform.AuditEntriesAsync(new AuditQuery(Action: "Rectify:contact.email", Target: platform.AuditKeys.Subject(tenant, subject)))).Single().Record;
        Assert.Matches("^before=hmac:[A-Za-z0-9+/]{22} after=hmac:[A-Za-z0-9+/]{22}$", digests.Outcome);
        Assert.False(await AuditStoreText.ContainsAsync(platform.Azurite.Tables, "jane-new-9981"), "the new value is in the audit store in clear");
        Assert.False(await AuditStoreText.ContainsAsync(platform.Azurite.Tables, "jane-4411"), "the old value is in the audit store in clear");
        var notice = await Poll.UntilAsync(() => Task.FromResult(platform.Mail.Received.Single(m => m.Recipients.Contains(recipient))), TimeSpan.FromSeconds(30), e => e is InvalidOperationException);
        Assert.Contains("rectified", notice.Body);
        Assert.DoesNotContain("jane-new-9981", notice.Body);
    }

    [Fact]
    public async Task ErasedSubjectReadsAsErasedExportsOnlyItsTombstoneAndASecondErasureReturnsTheSameReceipt()
    {
        var (tenant, subject, app) = await SubjectWithThreeCategoriesAsync();
        var recipient = $"{subject}@partner.example";
        await app.SetRecipientsAsync(Recipients(tenant, subject, "billing", ("Acme Payments", recipient, "")));

        var first = await app.EraseAsync(new EraseRequest { TenantId = tenant, SubjectId = subject, Reason = "request REQ-1" });
        var second = await app.EraseAsync(new EraseRequest { TenantId = tenant, SubjectId = subject, Reason = "request REQ-1 again" });
        var read = await app.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "contact" });
        var export = JsonDocument.Parse((await app.ExportAsync(new ExportRequest { TenantId = tenant, SubjectId = subject })).Json.ToStringUtf8()).RootElement;

        Assert.NotEmpty(first.Erasure.ReceiptId);
        Assert.Equal(first.Erasure, second.Erasure);
        Assert.Equal(1, first.NoticesQueued);
        Assert.Equal(0, second.NoticesQueued);
        Assert.Equal(first.Erasure, read.Erasure);
        Assert.Null(read.Record);
        Assert.Equal(new[] { "erasure", "format", "generatedAt", "kind", "subjectId", "tenantId" }, export.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(first.Erasure.ReceiptId, export.GetProperty("erasure").GetProperty("receiptId").GetString());
        var notice = await Poll.UntilAsync(() => Task.FromResult(platform.Mail.Received.Single(m => m.Recipients.Contains(recipient))), TimeSpan.FromSeconds(30), e => e is InvalidOperationException);
        Assert.Contains("erase", notice.Body);
    }

    [Fact]
    public async Task ALegalHoldKeepsItsCategoriesFromErasureAndRecordsTheGround()
    {
        var (tenant, subject, app) = await SubjectWithThreeCategoriesAsync();
        var officer = new Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient(platform.Channel(platform.Token(null, "officer")));
        await officer.PlaceLegalHoldAsync(new PlaceLegalHoldRequest { TenantId = tenant, SubjectId = subject, Ground = ErasureException.LegalClaims, Categories = { "billing" } });

        var shred = await Assert.ThrowsAsync<RpcException>(async () => await platform.KeysAs(tenant).ShredSubjectAsync(new ShredSubjectRequest { TenantId = tenant, SubjectId = subject, Reason = "request REQ-2" }));
        var erased = await app.EraseAsync(new EraseRequest { TenantId = tenant, SubjectId = subject, Reason = "request REQ-2" });
        var billing = await app.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "billing" });
        var contact = await Assert.ThrowsAsync<RpcException>(async () => await app.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "contact" }));

        Assert.Equal(StatusCode.FailedPrecondition, shred.StatusCode);
        Assert.Null(erased.Erasure);
        Assert.Equal(ErasureException.LegalClaims, erased.HeldBy);
        Assert.Equal(["billing"], erased.KeptCategories);
        Assert.Equal(["contact", "preferences"], erased.ErasedCategories.Order());
        Assert.Equal("DE89370400440532013000", billing.Record.Fields["iban"]);
        Assert.Equal(StatusCode.NotFound, contact.StatusCode);
    }

    [Fact]
    public async Task BadInputIsRefusedWithTheMatchingStatusAndChangesNothing()
    {
        var (tenant, subject, app) = await SubjectWithThreeCategoriesAsync();

        var unknownField = await Assert.ThrowsAsync<RpcException>(async () => await app.RectifyAsync(new RectifyRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Fields = { ["phone"] = "+1 555 0100" } }));
        var unknownCategory = await Assert.ThrowsAsync<RpcException>(async () => await app.RectifyAsync(new RectifyRequest { TenantId = tenant, SubjectId = subject, Category = "health", Fields = { ["x"] = "y" } }));
        var noGround = await Assert.ThrowsAsync<RpcException>(async () => await app.RestrictAsync(new RestrictRequest { TenantId = tenant, SubjectId = subject }));
        var badRecipient = await Assert.ThrowsAsync<RpcException>(async () => await app.SetRecipientsAsync(Recipients(tenant, subject, "contact", ("Acme", "not-an-address", ""))));
        var badPurpose = await Assert.ThrowsAsync<RpcException>(async () => await app.ObjectAsync(new ObjectRequest { TenantId = tenant, SubjectId = subject, Purpose = "Direct Marketing!" }));
        var otherTenant = await Assert.ThrowsAsync<RpcException>(async () => await platform.Subjects(Platform.NewId("evil")).ExportAsync(new ExportRequest { TenantId = tenant, SubjectId = subject }));
        var liftUnrestricted = await Assert.ThrowsAsync<RpcException>(async () => await app.LiftRestrictionAsync(new LiftRestrictionRequest { TenantId = tenant, SubjectId = subject, SubjectInformedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) }));
        var after = await app.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "contact" });
        var recipients = await app.ListRecipientsAsync(new ListRecipientsRequest { Purpose = "support", TenantId = tenant, SubjectId = subject });

        AssertViolation(unknownField, "fields");
        Assert.Equal(StatusCode.NotFound, unknownCategory.StatusCode);
        AssertViolation(noGround, "ground");
        AssertViolation(badRecipient, "recipients[0].email");
        AssertViolation(badPurpose, "purpose");
        Assert.Equal(StatusCode.PermissionDenied, otherTenant.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, liftUnrestricted.StatusCode);
        Assert.Equal(SampleRecords.Contact("jane-4411@example.org").Fields, after.Record.Fields);
        Assert.Empty(recipients.Categories);
    }

    private async Task<(string Tenant, string Subject, Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient App)> SubjectWithThreeCategoriesAsync()
    {
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        var app = platform.Subjects(tenant);
        var billing = SampleRecords.Billing("DE89370400440532013000");
        billing.Retention = "24 months after the last order";
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact("jane-4411@example.org") });
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = billing });
        await app.PutRecordAsync(new PutRecordRequest
        {
            TenantId = tenant,
            SubjectId = subject,
            Record = new Record { Category = "preferences", Purpose = "Newsletter", LegalBasis = LegalBasis.Consent, Source = "crm-import", Fields = { ["newsletter"] = "weekly" } },
        });
        return (tenant, subject, app);
    }

    private static SetRecipientsRequest Recipients(string tenant, string subject, string category, params (string Name, string Email, string Country)[] recipients)
    {
        var request = new SetRecipientsRequest { TenantId = tenant, SubjectId = subject, Category = category };
        request.Recipients.AddRange(recipients.Select(r => new Recipient { Name = r.Name, Email = r.Email, ThirdCountry = r.Country }));
        return request;
    }

    private static void AssertViolation(RpcException error, string field)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == field);
    }
}
