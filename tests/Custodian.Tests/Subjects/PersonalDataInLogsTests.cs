using Custodian.Gateway.Protos.Subjects;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Grpc.Core;

namespace Custodian.Tests.Subjects;

[Collection(PlatformCollection.Name)]
public sealed class PersonalDataInLogsTests(Platform platform)
{
    [Fact]
    public async Task NoValueOfARecordAppearsInAnyLogLineOfSiloOrGateway()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        var email = $"leak.{Guid.NewGuid():N}@example.org";
        var client = platform.Subjects(tenant);
        var before = platform.Logs.Lines.Count;

        // Act: store, read, list, and fail validation with the value in the request
        await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact(email) });
        await client.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "contact" });
        await client.ListCategoriesAsync(new ListCategoriesRequest { Purpose = "support", TenantId = tenant, SubjectId = subject });
        var bad = SampleRecords.Contact(email);
        bad.Purpose = "";
        await Assert.ThrowsAsync<RpcException>(async () =>
            await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = bad }));

        // Assert
        var lines = platform.Logs.Lines.Skip(before).ToList();
        Assert.Contains(lines, l => l.Contains(subject, StringComparison.Ordinal)); // the log did see this subject's calls
        Assert.DoesNotContain(lines, l => l.Contains(email, StringComparison.Ordinal) || l.Contains("Jane Example", StringComparison.Ordinal));
    }

    [Fact]
    public void RecordsNeverShowTheirValuesWhenFormatted()
    {
        var record = new PersonalDataRecord("contact", "Account", Custodian.Subjects.LegalBasis.Contract,
            System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add("email", "secret@example.org"));
        var stored = new StoredRecord(record, DateTimeOffset.UnixEpoch);

        Assert.DoesNotContain("secret@example.org", record.ToString());
        Assert.DoesNotContain("secret@example.org", stored.ToString());
        Assert.DoesNotContain("secret@example.org", $"{new { stored }}");
        Assert.Contains("contact", record.ToString());
    }
}
