using Custodian.Gateway.Protos.Requests;
using Custodian.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using AccessProto = Custodian.Gateway.Protos.Access;
using DueDates = Custodian.Requests.DueDates;

namespace Custodian.Tests.Requests;

public sealed class RequestReminderTests(ProcessSiloPlatform platform) : IClassFixture<ProcessSiloPlatform>
{
    [Fact]
    public async Task ADeadlineReminderStillFiresAfterTheSiloHoldingTheRequestIsKilled()
    {
        // Arrange: a helpdesk request received about a month ago, so that a deadline point (the due date, or a
        // warning where the calendar cannot put a due date there) falls a few seconds from now
        var tenant = Platform.NewId("acme");
        var staff = Platform.NewId("staff");
        await platform.Access("officer-ada", "officer").IssueGrantAsync(new AccessProto.IssueGrantRequest
        {
            Principal = staff,
            Scope = new AccessProto.GrantScope { TenantId = tenant, SubjectIds = { "s1" } },
            Operations = { AccessProto.Operation.FileRequest },
            Purpose = "helpdesk",
            Justification = "letter received by post",
            Cidrs = { "127.0.0.0/8" },
            ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)),
        });
        var (received, point, expected) = ReceiptWithAPointSoon(DateTimeOffset.UtcNow.AddSeconds(25));
        var filed = await new Custodian.Gateway.Protos.Requests.Requests.RequestsClient(platform.Channel(Token(staff, "staff"))).FileRequestAsync(new FileRequestRequest
        {
            TenantId = tenant, SubjectId = "s1", Kind = RequestKind.Access, Channel = RequestChannel.Helpdesk, ReceivedAt = Timestamp.FromDateTimeOffset(received),
        });

        // Act: the silo dies before the point, and comes back after it
        await platform.KillSiloAsync();
        await Poll.UntilAsync(() => DateTimeOffset.UtcNow > point ? Task.FromResult(true) : throw new TimeoutException(), TimeSpan.FromSeconds(60));
        var restartedAt = DateTimeOffset.UtcNow;
        await platform.StartAgainAsync();
        var officer = new Custodian.Gateway.Protos.Requests.Requests.RequestsClient(platform.Channel(Token("officer-ada", "officer")));
        var request = await Poll.UntilAsync(
            async () =>
            {
                var r = (await officer.GetRequestAsync(new RequestRef { TenantId = tenant, RequestId = filed.RequestId })).Request;
                return r.History.Any(h => h.Action == expected) ? r : throw new TimeoutException("the point has not been acted on yet");
            },
            TimeSpan.FromSeconds(150),
            e => e is TimeoutException or RpcException { StatusCode: StatusCode.Unavailable or StatusCode.Internal });

        // Assert
        var acted = request.History.Where(h => h.Action == expected).Select(h => h.At.ToDateTimeOffset()).ToList();
        Assert.True(acted[^1] >= restartedAt, "the point was acted on by a tick after the restart");
        Assert.Equal(filed.Request.DueAt, request.DueAt);
        Assert.Equal(request.Warnings.Count, request.Warnings.Select(w => w.Before).Distinct().Count());
        if (expected == "overdue")
        {
            Assert.True(request.Overdue);
            Assert.Single(acted);
        }
    }

    private string Token(string principal, string role) =>
        Custodian.Hosting.DevelopmentTokens.Mint(platform.Jwt, principal, null, [role], TimeSpan.FromMinutes(10));

    /// <summary>
    /// A receipt time whose due date is <paramref name="target"/>; where the calendar cannot make that a due date
    /// (e.g. 30 March), one whose 2-day (or 7-day) warning falls at <paramref name="target"/> instead.
    /// </summary>
    private static (DateTimeOffset Received, DateTimeOffset Point, string Action) ReceiptWithAPointSoon(DateTimeOffset target)
    {
        foreach (var before in new[] { TimeSpan.Zero, TimeSpan.FromDays(2), TimeSpan.FromDays(7) })
        {
            var due = target + before;
            var received = due.AddMonths(-1);
            if (DueDates.FirstMonth(received) == due)
            {
                return (received, target, before == TimeSpan.Zero ? "overdue" : "warned");
            }
        }

        throw new InvalidOperationException("no receipt time puts a deadline point at " + target.ToString("O"));
    }
}
