using System.Buffers.Text;
using System.Globalization;
using Azure.Data.Tables;
using Custodian.Gateway.Protos.Audit;
using Custodian.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using AuditClient = Custodian.Gateway.Protos.Audit.Audit.AuditClient;

namespace Custodian.Tests.Audit;

/// <summary>The Audit gRPC service over the region's trail: verification (whole and by time range), queries, validation, roles.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AuditApiTests(Platform platform)
{
    private const string Put = "Write:/custodian.subjects.v1.Subjects/PutRecord";
    private const string Get = "Read:/custodian.subjects.v1.Subjects/GetRecord";

    public static TheoryData<string, VerifyTrailRequest> BadVerifications => new()
    {
        { "partition", new VerifyTrailRequest { Partition = 4 } },
        { "partition", new VerifyTrailRequest { Partition = -1 } },
        { "until", new VerifyTrailRequest { From = At(2026, 1, 2), Until = At(2026, 1, 1) } },
        { "from", new VerifyTrailRequest { From = new Timestamp { Seconds = long.MaxValue } } },
    };

    public static TheoryData<string, QueryTrailRequest> BadQueries => new()
    {
        { "page_size", new QueryTrailRequest { PageSize = 5000 } },
        { "page_size", new QueryTrailRequest { PageSize = -1 } },
        { "until", new QueryTrailRequest { From = At(2026, 1, 2), Until = At(2026, 1, 1) } },
        { "until", new QueryTrailRequest { From = At(2026, 1, 1), Until = At(2026, 1, 1) } },
        { "from", new QueryTrailRequest { From = new Timestamp { Seconds = -1 } } },
        { "tenant_id", new QueryTrailRequest { SubjectId = "s1" } },
        { "subject_id", new QueryTrailRequest { TenantId = "acme", SubjectId = "jane@example.org" } },
        { "target", new QueryTrailRequest { TenantId = "acme", SubjectId = "s1", Target = "tenant:acme" } },
        { "actor", new QueryTrailRequest { Actor = new string('a', 257) } },
        { "page_token", new QueryTrailRequest { PageToken = "not-a-token" } },
        { "page_token", new QueryTrailRequest { PageToken = "%%%" } },
        { "page_token", new QueryTrailRequest { PageToken = Base64Url.EncodeToString("a1:0,0"u8) } },
    };

    [Fact]
    public async Task AnIntactRegionVerifiesIntactWithSignaturesThatCanBeChecked()
    {
        // Arrange
        await StoredTrail.CallAsync(platform, Platform.NewId("app"), Platform.NewId("acme"), Platform.NewId("subj"), calls: 2);

        // Act
        var response = await platform.Audit("officer").VerifyTrailAsync(new VerifyTrailRequest());

        // Assert
        Assert.True(response.Intact);
        Assert.Equal(Enumerable.Range(0, 4).Select(n => $"{Platform.Region}/{n}"), response.Partitions.Select(p => p.Partition));
        Assert.All(response.Partitions, p => Assert.True(p.Intact, p.Reason));
        Assert.All(response.Partitions, p => Assert.Equal((0L, ""), (p.FirstBadSequence, p.Reason)));
        Assert.All(response.Partitions, p => Assert.Equal(platform.AuditKeys.SignSummary(p.Partition, p.Count, p.HeadHash), p.Signature));
        Assert.Contains(response.Partitions, p => p.Count >= 2 && (p.FirstSequence, p.LastSequence) == (1, p.Count));
    }

    [Fact]
    public async Task AfterOneStoredEntryIsAlteredVerificationNamesItsPartitionAndSequence()
    {
        // Arrange
        var actor = Platform.NewId("app");
        await StoredTrail.CallAsync(platform, actor, Platform.NewId("acme"), Platform.NewId("subj"), calls: 3);
        var victim = (await platform.Audit("dpo").QueryTrailAsync(new QueryTrailRequest { Actor = actor })).Entries[1];

        // Act
        VerifyTrailResponse broken;
        await using (await StoredTrail.TamperAsync(Table(), victim.Partition, victim.Sequence, e => e with { Record = e.Record with { Outcome = "denied" } }))
        {
            broken = await platform.Audit("operator").VerifyTrailAsync(new VerifyTrailRequest());
        }

        var repaired = await platform.Audit("operator").VerifyTrailAsync(new VerifyTrailRequest());

        // Assert
        Assert.False(broken.Intact);
        var named = Assert.Single(broken.Partitions, p => !p.Intact);
        Assert.Equal((victim.Partition, victim.Sequence), (named.Partition, named.FirstBadSequence));
        Assert.Equal("the entry's content does not match its hash", named.Reason);
        Assert.Equal("", named.Signature);
        Assert.Equal(victim.Sequence - 1, named.Count);
        Assert.True(repaired.Intact);
    }

    [Fact]
    public async Task AnEntryAlteredWithItsHashRecomputedIsReportedAtTheNextEntryByItsLink()
    {
        // Arrange: an entry with a successor in its partition, altered in the store and rehashed (an unkeyed SHA-256
        // anyone with storage access can compute), so that only the next entry's previous-hash link disagrees
        var actor = Platform.NewId("app");
        await StoredTrail.CallAsync(platform, actor, Platform.NewId("acme"), Platform.NewId("subj"), calls: 3);
        var victim = (await platform.Audit("dpo").QueryTrailAsync(new QueryTrailRequest { Actor = actor })).Entries[1];

        // Act
        VerifyTrailResponse broken;
        await using (await StoredTrail.TamperAsync(Table(), victim.Partition, victim.Sequence, e => StoredTrail.Rehashed(e with { Record = e.Record with { Outcome = "denied" } })))
        {
            broken = await platform.Audit("operator").VerifyTrailAsync(new VerifyTrailRequest());
        }

        // Assert: the altered entry itself counts as good; the break is at the next one, for its link
        var named = Assert.Single(broken.Partitions, p => !p.Intact);
        Assert.Equal((victim.Partition, victim.Sequence + 1), (named.Partition, named.FirstBadSequence));
        Assert.Equal("the previous-hash link is broken", named.Reason);
        Assert.Equal(victim.Sequence, named.Count);
        Assert.False(broken.Intact);
    }

    [Fact]
    public async Task ATimeRangeIsVerifiedOnItsOwnLinkedToTheStoredEntryBeforeIt()
    {
        // Arrange: entries of one actor (so one partition) before, inside and after a window
        var (actor, tenant, subject) = (Platform.NewId("app"), Platform.NewId("acme"), Platform.NewId("subj"));
        await StoredTrail.CallAsync(platform, actor, tenant, subject, calls: 3);
        var from = DateTimeOffset.UtcNow;
        await StoredTrail.CallAsync(platform, actor, tenant, subject, calls: 3);
        var until = DateTimeOffset.UtcNow;
        await StoredTrail.CallAsync(platform, actor, tenant, subject, calls: 2);
        var mine = (await platform.Audit("officer").QueryTrailAsync(new QueryTrailRequest { Actor = actor })).Entries;
        var (before, inside) = (mine.Take(4).ToList(), mine.Skip(4).Take(4).ToList()); // a put leaves two entries (decision, outcome)
        var partition = mine[0].Partition;
        var window = new VerifyTrailRequest
        {
            Partition = int.Parse(partition.Split('/')[1], CultureInfo.InvariantCulture),
            From = Timestamp.FromDateTimeOffset(from),
            Until = Timestamp.FromDateTimeOffset(until),
        };
        var audit = platform.Audit("dpo");

        // Act
        var intact = Assert.Single((await audit.VerifyTrailAsync(window)).Partitions);
        PartitionVerification rangeWithEarlierAltered, wholeWithEarlierAltered, rangeWithPredecessorAltered, rangeWithInsideAltered;
        await using (await StoredTrail.TamperAsync(Table(), partition, before[0].Sequence, e => e with { Record = e.Record with { Actor = "someone-else" } }))
        {
            rangeWithEarlierAltered = Assert.Single((await audit.VerifyTrailAsync(window)).Partitions);
            wholeWithEarlierAltered = Assert.Single((await audit.VerifyTrailAsync(new VerifyTrailRequest { Partition = window.Partition })).Partitions);
        }

        await using (await StoredTrail.TamperAsync(Table(), partition, before[^1].Sequence, e => e with { Hash = new string('f', 64) }))
        {
            rangeWithPredecessorAltered = Assert.Single((await audit.VerifyTrailAsync(window)).Partitions);
        }

        await using (await StoredTrail.TamperAsync(Table(), partition, inside[1].Sequence, e => e with { Record = e.Record with { Target = "subject:forged" } }))
        {
            rangeWithInsideAltered = Assert.Single((await audit.VerifyTrailAsync(window)).Partitions);
        }

        // Assert
        Assert.True(intact.Intact, intact.Reason);
        Assert.Equal((4L, inside[0].Sequence, inside[^1].Sequence, inside[^1].Hash), (intact.Count, intact.FirstSequence, intact.LastSequence, intact.HeadHash));
        Assert.Equal(platform.AuditKeys.SignRangeSummary(partition, 4, inside[0].Sequence, inside[^1].Sequence, inside[^1].Hash), intact.Signature);
        Assert.NotEqual(platform.AuditKeys.SignSummary(partition, 4, inside[^1].Hash), intact.Signature);
        Assert.True(rangeWithEarlierAltered.Intact, rangeWithEarlierAltered.Reason);
        Assert.Equal(before[0].Sequence, wholeWithEarlierAltered.FirstBadSequence);
        Assert.Equal(before[^1].Sequence, rangeWithPredecessorAltered.FirstBadSequence);
        Assert.Equal(inside[1].Sequence, rangeWithInsideAltered.FirstBadSequence);
    }

    [Fact]
    public async Task QueryByActorAndActionFindsExactlyThoseEntriesOldestFirst()
    {
        // Arrange
        var actor = Platform.NewId("app");
        var start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        await StoredTrail.CallAsync(platform, actor, Platform.NewId("acme"), Platform.NewId("subj"), calls: 3);
        var audit = platform.Audit("officer");

        // Act
        var byActor = await audit.QueryTrailAsync(new QueryTrailRequest { Actor = actor });
        var byActorAndAction = await audit.QueryTrailAsync(new QueryTrailRequest { Actor = actor, Action = Get });
        var byActionSinceStart = await audit.QueryTrailAsync(new QueryTrailRequest { Action = Put, From = start });

        // Assert
        Assert.Equal([Put, Put, Get, Get], byActor.Entries.Select(e => e.Action));
        Assert.Equal(["allowed", "done", "allowed", "allowed"], byActor.Entries.Select(e => e.Outcome)); // a put's outcome follows its decision
        Assert.All(byActor.Entries, e => Assert.Equal((actor, "role:app"), (e.Actor, e.GrantId)));
        Assert.Equal(byActor.Entries.Select(e => e.Sequence).Order(), byActor.Entries.Select(e => e.Sequence));
        Assert.Equal("", byActor.NextPageToken);
        Assert.Equal(byActor.Entries.Skip(2), byActorAndAction.Entries);
        Assert.Equal(byActor.Entries.Take(2), byActionSinceStart.Entries);
    }

    [Fact]
    public async Task QueryByTimeReturnsOnlyTheWindow()
    {
        // Arrange
        var (actor, tenant, subject) = (Platform.NewId("app"), Platform.NewId("acme"), Platform.NewId("subj"));
        await StoredTrail.CallAsync(platform, actor, tenant, subject, calls: 2);
        var from = DateTimeOffset.UtcNow;
        await StoredTrail.CallAsync(platform, actor, tenant, subject, calls: 3);
        var until = DateTimeOffset.UtcNow;
        await StoredTrail.CallAsync(platform, actor, tenant, subject, calls: 1);
        var audit = platform.Audit("dpo");

        // Act
        var window = await audit.QueryTrailAsync(new QueryTrailRequest { Actor = actor, From = Timestamp.FromDateTimeOffset(from), Until = Timestamp.FromDateTimeOffset(until) });
        var since = await audit.QueryTrailAsync(new QueryTrailRequest { Actor = actor, From = Timestamp.FromDateTimeOffset(from) });
        var before = await audit.QueryTrailAsync(new QueryTrailRequest { Actor = actor, Until = Timestamp.FromDateTimeOffset(from) });

        // Assert
        Assert.Equal((4, 6, 3), (window.Entries.Count, since.Entries.Count, before.Entries.Count)); // a put leaves two entries
        Assert.All(window.Entries, e => Assert.InRange(e.At.ToDateTimeOffset(), from, until));
        Assert.Equal(window.Entries, since.Entries.Take(4));
    }

    [Fact]
    public async Task QueryBySubjectPagesAcrossPartitionsReturningEachEntryOnceAndNeverTheSubjectId()
    {
        // Arrange: eight client applications of one tenant each write and read one subject; their entries
        // spread over the partitions (by actor). Entries on another subject are not to be found.
        var (tenant, subject) = (Platform.NewId("acme"), Platform.NewId("subj"));
        var actors = Enumerable.Range(0, 8).Select(_ => Platform.NewId("app")).ToList();
        foreach (var actor in actors)
        {
            await StoredTrail.CallAsync(platform, actor, tenant, subject, calls: 2);
        }

        await StoredTrail.CallAsync(platform, actors[0], tenant, Platform.NewId("other"), calls: 2);
        var audit = platform.Audit("officer");

        // Act
        var pages = new List<QueryTrailResponse>();
        // Until now: the queries are about the subject too, and are themselves recorded under its hash.
        var request = new QueryTrailRequest { TenantId = tenant, SubjectId = subject, PageSize = 3, Until = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        do
        {
            var page = await audit.QueryTrailAsync(request);
            pages.Add(page);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0 && pages.Count < 50);

        // Assert
        var entries = pages.SelectMany(p => p.Entries).ToList();
        Assert.Equal(24, entries.Count); // 8 actors x (put decision, put outcome, get)
        Assert.Equal(24, entries.Select(e => (e.Partition, e.Sequence)).Distinct().Count());
        Assert.True(entries.Select(e => e.Partition).Distinct().Count() > 1); // eight actors all in one of four partitions: odds 1 in 16 384
        Assert.InRange(pages.Count, 8, 9);
        Assert.All(pages.SkipLast(1), p => Assert.Equal(3, p.Entries.Count));
        Assert.Equal(actors.Order(), entries.Select(e => e.Actor).Distinct().Order());
        Assert.Equal(platform.AuditKeys.Subject(tenant, subject), Assert.Single(entries.Select(e => e.Target).Distinct()));
        Assert.All(entries, e => Assert.DoesNotContain(subject, e.ToString(), StringComparison.Ordinal));
        Assert.All(entries.Zip(entries.Skip(1)), pair => Assert.True(pair.First.At.CompareTo(pair.Second.At) <= 0));
    }

    [Theory]
    [MemberData(nameof(BadVerifications))]
    public async Task BadVerificationIsInvalidArgumentNamingTheField(string field, VerifyTrailRequest request)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await platform.Audit("officer").VerifyTrailAsync(request));

        AssertNames(field, error);
    }

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task BadQueryIsInvalidArgumentNamingTheField(string field, QueryTrailRequest request)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await platform.Audit("officer").QueryTrailAsync(request));

        AssertNames(field, error);
        Assert.DoesNotContain("jane@example.org", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OfficersTheDpoAndOperatorsVerifyButOnlyOfficersAndTheDpoQuery()
    {
        // Arrange
        var app = new AuditClient(platform.Channel(platform.Token("acme", "app")));
        var staff = platform.Audit("staff");
        var operators = platform.Audit("operator");

        // Act
        var refused = new[]
        {
            await Assert.ThrowsAsync<RpcException>(async () => await app.VerifyTrailAsync(new VerifyTrailRequest { Partition = 0 })),
            await Assert.ThrowsAsync<RpcException>(async () => await app.QueryTrailAsync(new QueryTrailRequest())),
            await Assert.ThrowsAsync<RpcException>(async () => await staff.VerifyTrailAsync(new VerifyTrailRequest { Partition = 0 })),
            await Assert.ThrowsAsync<RpcException>(async () => await operators.QueryTrailAsync(new QueryTrailRequest())),
        };
        var verifiedByOperator = await operators.VerifyTrailAsync(new VerifyTrailRequest { Partition = 0 });
        var queriedByDpo = await platform.Audit("dpo").QueryTrailAsync(new QueryTrailRequest { PageSize = 1 });

        // Assert
        Assert.All(refused, e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Equal($"{Platform.Region}/0", Assert.Single(verifiedByOperator.Partitions).Partition);
        Assert.Single(queriedByDpo.Entries);
    }

    private static void AssertNames(string field, RpcException error)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var details = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(details);
        Assert.Contains(details.FieldViolations, v => v.Field == field);
        Assert.Contains(field, error.Status.Detail, StringComparison.Ordinal);
    }

    private static Timestamp At(int year, int month, int day) => Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero));

    private TableClient Table() => platform.Azurite.Tables.GetTableClient(StoredTrail.Table);
}
