using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Custodian.Tests.Access;

/// <summary>A platform whose access reviews give officers three seconds to decide.</summary>
public sealed class ShortReviewPlatform : Platform
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() => [new("Access:ReviewDeadline", "00:00:03")];
}

public sealed class AccessReviewTests(ShortReviewPlatform platform) : IClassFixture<ShortReviewPlatform>
{
    [Fact]
    public async Task ReviewListsUseAndSuspendsWhatNobodyDecidedByTheDeadline()
    {
        // Arrange: three grants; only the first is used
        var tenant = Platform.NewId("acme");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("rv@example.org") });
        var officer = platform.Access("officer-ada", "officer");
        var staff = new[] { Platform.NewId("kept"), Platform.NewId("revoked"), Platform.NewId("forgotten") };
        var grants = new List<Grant>();
        foreach (var principal in staff)
        {
            grants.Add(await officer.IssueGrantAsync(new IssueGrantRequest
            {
                Principal = principal,
                Scope = new GrantScope { TenantId = tenant, SubjectIds = { "s1" } },
                Operations = { Operation.Read },
                Purpose = "support",
                Justification = "ticket",
                Cidrs = { "127.0.0.0/8" },
                ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
                ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(2)),
            }));
        }

        var read = (string principal) => platform.SubjectsAs(principal, null, "staff")
            .GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" }).ResponseAsync;
        await read(staff[0]);

        // Act
        var opened = await Poll.UntilAsync(async () =>
        {
            var review = await officer.OpenReviewAsync(new OpenReviewRequest());
            return review.Items.Single(i => i.GrantId == grants[0].GrantId).LastUsedAt is not null ? review : throw new TimeoutException("use not recorded yet");
        }, TimeSpan.FromSeconds(10));
        await officer.DecideReviewItemAsync(new DecideReviewItemRequest { GrantId = grants[0].GrantId, Confirm = true, Reason = "still on the case" });
        await officer.DecideReviewItemAsync(new DecideReviewItemRequest { GrantId = grants[1].GrantId, Confirm = false, Reason = "no longer needed" });
        var closed = await Poll.UntilAsync(async () =>
        {
            var review = await officer.GetReviewAsync(new GetReviewRequest());
            return review.Closed ? review : throw new TimeoutException("review still open");
        }, TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(3, opened.Items.Count);
        Assert.Null(opened.Items.Single(i => i.GrantId == grants[2].GrantId).LastUsedAt);
        Assert.Equal(ReviewDecision.Confirmed, closed.Items.Single(i => i.GrantId == grants[0].GrantId).Decision);
        Assert.Equal(ReviewDecision.Revoked, closed.Items.Single(i => i.GrantId == grants[1].GrantId).Decision);
        Assert.Equal(ReviewDecision.Suspended, closed.Items.Single(i => i.GrantId == grants[2].GrantId).Decision);
        Assert.Equal(GrantStatus.Suspended, (await officer.GetGrantAsync(new GetGrantRequest { GrantId = grants[2].GrantId })).Status);
        Assert.Equal("rv@example.org", (await read(staff[0])).Record.Fields["email"]);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => read(staff[1]))).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => read(staff[2]))).StatusCode);
    }
}
