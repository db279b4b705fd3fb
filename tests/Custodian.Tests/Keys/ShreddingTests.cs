using Azure.Data.Tables;
using Custodian.Gateway.Protos.Keys;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;

namespace Custodian.Tests.Keys;

[Collection(PlatformCollection.Name)]
public sealed class ShreddingTests(Platform platform)
{
    [Fact]
    public async Task ShreddedSubjectReadsAsErasedWhileOthersStillReadBack()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var subjects = platform.Subjects(tenant);
        string[] ids = [Platform.NewId("subj"), Platform.NewId("subj"), Platform.NewId("subj")];
        foreach (var id in ids)
        {
            await subjects.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = id, Record = SampleRecords.Contact($"{id}@example.org") });
        }

        // Act
        var shred = await platform.KeysAs(tenant).ShredSubjectAsync(new ShredSubjectRequest { TenantId = tenant, SubjectId = ids[1], Reason = "Art. 17 request T-1" });

        // Assert: the shredded subject reports its erasure, with no data and no error
        var erased = await subjects.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = ids[1], Category = "contact" });
        var listing = await subjects.ListCategoriesAsync(new ListCategoriesRequest { Purpose = "support", TenantId = tenant, SubjectId = ids[1] });
        Assert.Null(erased.Record);
        Assert.Equal(shred.ReceiptId, erased.Erasure.ReceiptId);
        Assert.Empty(listing.Categories);
        Assert.Equal(shred.ReceiptId, listing.Erasure.ReceiptId);

        // ... and the others still read back
        foreach (var id in new[] { ids[0], ids[2] })
        {
            var read = await subjects.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = id, Category = "contact" });
            Assert.Equal($"{id}@example.org", read.Record.Fields["email"]);
            Assert.Null(read.Erasure);
        }
    }

    [Fact]
    public async Task ShredDestroysTheKeyLeavesATombstoneAndKeepsAReceiptWithoutPersonalData()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        var email = $"{subject}@example.org";
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact(email) });
        var envelopes = new StoredEnvelopes(platform.Azurite);
        var keyId = StoredEnvelopes.Envelope(await envelopes.FindAsync(tenant, subject))["keyId"]!.GetValue<string>();
        var officer = platform.Keys("officer");
        var app = platform.KeysAs(tenant);
        Assert.True(await KeyRowExistsAsync(tenant, subject));

        // Act
        var shred = await app.ShredSubjectAsync(new ShredSubjectRequest { TenantId = tenant, SubjectId = subject, Reason = "Art. 17 request T-2" });
        var again = await app.ShredSubjectAsync(new ShredSubjectRequest { TenantId = tenant, SubjectId = subject, Reason = "repeated" });
        var receipt = await officer.GetShredReceiptAsync(new GetShredReceiptRequest { ReceiptId = shred.ReceiptId });

        // Assert
        Assert.Equal(shred.ReceiptId, again.ReceiptId);
        Assert.Equal($"datasubject/{tenant}/{subject}", receipt.GrainId);
        Assert.Equal(keyId, receipt.KeyId);
        Assert.StartsWith("test-", receipt.Actor);
        Assert.Equal("Art. 17 request T-2", receipt.Reason);
        Assert.Contains(receipt.StoresCleared, s => s.Contains("CustodianKeys"));
        Assert.DoesNotContain(email, receipt.ToString());
        Assert.False(await KeyRowExistsAsync(tenant, subject));
        var tombstone = StoredEnvelopes.Envelope(await envelopes.FindAsync(tenant, subject));
        Assert.Equal(shred.ReceiptId, tombstone["erased"]!["receiptId"]!.GetValue<string>());
        Assert.Empty(tombstone["ciphertext"]!.GetValue<string>());
    }

    [Fact]
    public async Task OldCopyOfAShreddedSubjectReadsAsErasedNotAsAnError()
    {
        // Arrange: keep the envelope as a replica or backup would hold it, then shred
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact("old@example.org") });
        var envelopes = new StoredEnvelopes(platform.Azurite);
        var oldCopy = StoredEnvelopes.Envelope(await envelopes.FindAsync(tenant, subject));
        var shred = await platform.KeysAs(tenant).ShredSubjectAsync(new ShredSubjectRequest { TenantId = tenant, SubjectId = subject, Reason = "T-3" });

        // Act: the old copy comes back into the state table
        await envelopes.ReplaceAsync(await envelopes.FindAsync(tenant, subject), oldCopy);
        await platform.SiloGrains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var read = await platform.Subjects(tenant).GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "contact" });

        // Assert
        Assert.Null(read.Record);
        Assert.Equal(shred.ReceiptId, read.Erasure.ReceiptId);
    }

    [Fact]
    public async Task ErasedSubjectIsNeverWrittenAgain()
    {
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact("a@example.org") });
        await platform.KeysAs(tenant).ShredSubjectAsync(new ShredSubjectRequest { TenantId = tenant, SubjectId = subject, Reason = "T-4" });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await platform.Subjects(tenant).PutRecordAsync(
            new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact("again@example.org") }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.False(await KeyRowExistsAsync(tenant, subject));
    }

    [Theory]
    [InlineData("officer")]
    [InlineData("operator")]
    [InlineData("dpo")]
    [InlineData("staff")]
    [InlineData("app")]
    public async Task NoRoleShredsWithoutAnEraseGrantExceptTheTenantsOwnApp(string role)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Custodian.Gateway.Protos.Keys.Keys.KeysClient(
            platform.Channel(platform.Token("another-tenant", role))).ShredSubjectAsync(new ShredSubjectRequest { TenantId = "acme", SubjectId = "s1", Reason = "x" }));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Theory]
    [InlineData("", "s1", "r", "tenant_id")]
    [InlineData("acme", "a/b", "r", "subject_id")]
    [InlineData("acme", "s1", "", "reason")]
    public async Task BadShredRequestIsInvalidArgumentNamingTheField(string tenant, string subject, string reason, string field)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await platform.KeysAs("acme").ShredSubjectAsync(
            new ShredSubjectRequest { TenantId = tenant, SubjectId = subject, Reason = reason }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(field, error.Status.Detail);
    }

    private async Task<bool> KeyRowExistsAsync(string tenant, string subject)
    {
        var keys = platform.Azurite.Tables.GetTableClient("CustodianKeys");
        var grainId = $"datasubject/{tenant}/{subject}";
        await foreach (var _ in keys.QueryAsync<TableEntity>(e => e.GetString("GrainId") == grainId))
        {
            return true;
        }

        return false;
    }
}
