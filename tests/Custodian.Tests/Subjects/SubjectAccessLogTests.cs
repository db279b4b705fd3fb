using System.Text.Json;
using Custodian.Audit;
using Custodian.Gateway.Protos.Access;
using QueryTrailRequest = Custodian.Gateway.Protos.Audit.QueryTrailRequest;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Access;
using Custodian.Tests.Audit;
using Custodian.Tests.Infrastructure;
using Grpc.Core;
using Xunit.Abstractions;

namespace Custodian.Tests.Subjects;

/// <summary>
/// The access log of an Art. 15 export through the gateway (real TLS, JWTs, Azurite): exactly the subject's
/// entries from every partition, oldest first, read through the subject index at a cost that does not grow
/// with the other subjects' entries, with the purpose each entry records.
/// </summary>
public sealed class SubjectAccessLogTests(AccessPlatform platform, ITestOutputHelper output) : IClassFixture<AccessPlatform>
{
    private const int Partitions = 4;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task ExportCarriesExactlyTheSubjectsEntriesFromEveryPartitionOldestFirst()
    {
        // Arrange: the tenant's app, another tenant's app and a granted staff member, whose entries go to three
        // different partitions; reads of the subject and of another subject of the same tenant
        var (tenant, subject, other) = (Platform.NewId("acme"), Platform.NewId("subj"), Platform.NewId("other"));
        var (appName, strangerName, staffName) = (ActorIn("app", 0), ActorIn("stranger", 1), ActorIn("staff", 2));
        var app = platform.SubjectsAs(appName, tenant, "app");
        var read = new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = "billing" };
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact($"{subject}@example.org") });
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = other, Record = SampleRecords.Contact($"{other}@example.org") });
        await app.GetRecordAsync(read);
        await Assert.ThrowsAsync<RpcException>(async () => await platform.SubjectsAs(strangerName, Platform.NewId("evil"), "app").GetRecordAsync(read));
        var grant = await platform.IssueAsync(staffName, tenant, [subject], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1), purpose: "legal-claims");
        await platform.SubjectsAs(staffName, null, "staff").GetRecordAsync(new GetRecordRequest(read) { Purpose = "" }); // for its grant's purpose
        await app.GetRecordAsync(new GetRecordRequest(read) { SubjectId = other });
        await app.GetRecordAsync(read);

        // Act
        var export = await app.ExportAsync(new ExportRequest { TenantId = tenant, SubjectId = subject });

        // Assert: the log is what the trail holds for the subject (found by scanning each actor's entries, not
        // through the index), in time order, across the partitions, and nothing of the other subject
        var target = platform.AuditKeys.Subject(tenant, subject);
        var trail = new List<(int Partition, AuditEntry Entry)>();
        for (var n = 0; n < Partitions; n++)
        {
            foreach (var actor in new[] { appName, strangerName, staffName })
            {
                trail.AddRange((await StoredTrail.EntriesAsync(platform.SiloGrains, AuditPartitions.Name(Platform.Region, n), new AuditQuery(Actor: actor))).Select(e => (Partition: n, Entry: e)));
            }
        }

        var expected = trail.Where(t => t.Entry.Record.Target == target).OrderBy(t => t.Entry.Record.At).ThenBy(t => t.Entry.Sequence).ToList();
        var log = JsonDocument.Parse(export.Json.ToStringUtf8()).RootElement.GetProperty("accessLog").EnumerateArray().Select(e => (
            At: e.GetProperty("at").GetDateTimeOffset(),
            Actor: e.GetProperty("actor").GetString(),
            Action: e.GetProperty("action").GetString(),
            Outcome: e.GetProperty("outcome").GetString(),
            AllowedBy: e.GetProperty("allowedBy").GetString(),
            Purpose: e.GetProperty("purpose").GetString())).ToList();
        foreach (var entry in log)
        {
            output.WriteLine($"{entry.At:O} {entry.Actor} {entry.Action} {entry.Outcome} {entry.AllowedBy} {entry.Purpose}");
        }

        Assert.Equal(
            expected.Select(t => (t.Entry.Record.At, t.Entry.Record.Actor, t.Entry.Record.Action, t.Entry.Record.Outcome, t.Entry.Record.GrantId)),
            log.Select(e => (e.At, e.Actor!, e.Action!, e.Outcome!, e.AllowedBy!)));
        Assert.Equal(log.Count, export.AccessLogEntries);
        Assert.Equal(3, expected.Select(t => t.Partition).Distinct().Count());
        Assert.Equal(log.OrderBy(e => e.At).Select(e => e.At), log.Select(e => e.At));
        Assert.Equal(["allowed", "done", "allowed", "denied", "allowed", "allowed", "allowed"], log.Select(e => e.Outcome));
        Assert.EndsWith("/Export", log[^1].Action);
        Assert.Contains(log, e => e.Actor == strangerName && e.Outcome == "denied");
        Assert.Contains(log, e => e.Actor == staffName && e.AllowedBy == grant.GrantId && e.Purpose == "legal-claims");
        Assert.Contains(trail, t => t.Entry.Record.Target == platform.AuditKeys.Subject(tenant, other)); // the other subject's entries are there...
        Assert.DoesNotContain(other, export.Json.ToStringUtf8()); // ...and not in the export
    }

    [Fact]
    public async Task ExportReadsOnlyTheSubjectsSegmentsHoweverManyOtherSubjectsTheTrailHolds()
    {
        // Arrange: a subject with a few entries, and a counter of the rows the silo's audit store reads
        var (tenant, subject) = (Platform.NewId("acme"), Platform.NewId("subj"));
        var app = platform.SubjectsAs(Platform.NewId("app"), tenant, "app");
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact($"{subject}@example.org") });
        await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = "billing" });
        var export = new ExportRequest { TenantId = tenant, SubjectId = subject };
        using var rowsRead = new AuditRowsRead(platform.SiloServices);
        rowsRead.Take();
        var small = await app.ExportAsync(export);
        var readInSmallTrail = rowsRead.Take();

        // Act: 100 segments of other subjects' entries (9,800) appended to the region's partitions, then the export again
        await Task.WhenAll(Enumerable.Range(0, Partitions).Select(async n =>
        {
            var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(AuditPartitions.Name(Platform.Region, n));
            for (var b = 0; b < 25; b++)
            {
                await partition.AppendAsync([.. Enumerable.Range(0, 98).Select(i => new AuditRecord(
                    DateTimeOffset.UtcNow, "other-app", "Read:/custodian.subjects.v1.Subjects/GetRecord", platform.AuditKeys.Subject(tenant, $"other-{n}-{b}-{i}"), "allowed", "127.0.0.1", "role:app"))]);
            }
        }));
        rowsRead.Take();
        var large = await app.ExportAsync(export);
        var readInLargeTrail = rowsRead.Take();
        var query = await platform.Audit("officer").QueryTrailAsync(new QueryTrailRequest { TenantId = tenant, SubjectId = subject, PageSize = 1000 });
        var readByQuery = rowsRead.Take();
        await platform.AuditEntriesAsync(new AuditQuery(Actor: "nobody"));
        var readByScan = rowsRead.Take();

        // Assert: the export reads no more segments than the subject has entries, as many in the large trail as
        // in the small one but for the first export's own entry; a scan of the same trail reads every segment
        output.WriteLine($"segments/index rows read: small trail {readInSmallTrail}, large trail {readInLargeTrail}, query {readByQuery}, scan {readByScan}");
        Assert.Equal(small.AccessLogEntries + 1, large.AccessLogEntries);
        Assert.InRange(readInSmallTrail.Segments, 1, small.AccessLogEntries);
        Assert.InRange(readInLargeTrail.Segments, 1, Math.Min(large.AccessLogEntries, readInSmallTrail.Segments + 1));
        Assert.InRange(readInLargeTrail.Index, 1, readInSmallTrail.Index + 1);
        Assert.InRange(readByQuery.Segments, 1, query.Entries.Count);
        Assert.True(readByScan.Segments >= 100, $"a scan read {readByScan.Segments} segments");
    }

    [Fact]
    public async Task EachLogEntryCarriesThePurposeItRecordsAndOnlyEntriesWithoutOneTakeTheGrants()
    {
        // Arrange: a grant for legal claims; entries of the subject with and without a recorded purpose
        var (tenant, subject) = (Platform.NewId("acme"), Platform.NewId("subj"));
        var app = platform.SubjectsAs(Platform.NewId("app"), tenant, "app");
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact($"{subject}@example.org") });
        var grant = await platform.IssueAsync(Platform.NewId("staff"), tenant, [subject], [Operation.Read], "127.0.0.0/8", Now.AddMinutes(-1), Now.AddHours(1), purpose: "legal-claims");
        var target = platform.AuditKeys.Subject(tenant, subject);
        AuditRecord Entry(string actor, string grantId, string purpose) =>
            new(DateTimeOffset.UtcNow, actor, "Read:/custodian.subjects.v1.Subjects/GetRecord", target, "allowed", "127.0.0.1", grantId, purpose);
        await platform.SiloGrains.GetGrain<IAuditPartitionGrain>(AuditPartitions.Name(Platform.Region, 1)).AppendAsync([
            Entry("granted-with-purpose", grant.GrantId, "billing"),
            Entry("granted-before-purposes", grant.GrantId, ""),
            Entry("app-with-purpose", "role:app", "support"),
            Entry("app-before-purposes", "role:app", "")]);

        // Act
        var export = await app.ExportAsync(new ExportRequest { TenantId = tenant, SubjectId = subject });

        // Assert
        var purposes = JsonDocument.Parse(export.Json.ToStringUtf8()).RootElement.GetProperty("accessLog").EnumerateArray()
            .Where(e => e.GetProperty("action").GetString()!.StartsWith("Read:", StringComparison.Ordinal)) // the put and the export are the tenant app's own
            .ToDictionary(e => e.GetProperty("actor").GetString()!, e => e.GetProperty("purpose").GetString());
        Assert.Equal("billing", purposes["granted-with-purpose"]);
        Assert.Equal("legal-claims", purposes["granted-before-purposes"]);
        Assert.Equal("support", purposes["app-with-purpose"]);
        Assert.Equal("the customer's own processing", purposes["app-before-purposes"]);
    }

    /// <summary>A fresh principal name whose audit entries go to partition <paramref name="partition"/>.</summary>
    private static string ActorIn(string prefix, int partition)
    {
        while (true)
        {
            var name = Platform.NewId(prefix);
            if (AuditPartitions.Of(name, Partitions) == partition)
            {
                return name;
            }
        }
    }
}
