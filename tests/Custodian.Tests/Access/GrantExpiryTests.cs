using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Custodian.Tests.Access;

public sealed class GrantExpiryTests(ProcessSiloPlatform platform) : IClassFixture<ProcessSiloPlatform>
{
    [Fact]
    public async Task GrantThatExpiresWhileItsSiloIsDeadStillDeniesTheNextCall()
    {
        // Arrange: a grant with a few seconds left, used once
        var tenant = Platform.NewId("acme");
        var staff = Platform.NewId("staff");
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("x@example.org") });
        var until = DateTimeOffset.UtcNow.AddSeconds(4);
        var grant = await platform.Access("officer-ada", "officer").IssueGrantAsync(new IssueGrantRequest
        {
            Principal = staff,
            Scope = new GrantScope { TenantId = tenant, SubjectIds = { "s1" } },
            Operations = { Operation.Read },
            Purpose = "support",
            Justification = "ticket T-9",
            Cidrs = { "127.0.0.0/8" },
            ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            ValidUntil = Timestamp.FromDateTimeOffset(until),
        });
        var reader = platform.SubjectsAs(staff, null, "staff");
        var request = new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1", Category = "contact" };
        var before = await reader.GetRecordAsync(request);

        // Act: the silo dies (its expiry reminder with it) and comes back after the window ended
        await platform.KillSiloAsync();
        await Poll.UntilAsync(() => DateTimeOffset.UtcNow > until ? Task.FromResult(true) : throw new TimeoutException(), TimeSpan.FromSeconds(30));
        await platform.StartAgainAsync();
        var after = await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    await reader.GetRecordAsync(request);
                    return StatusCode.OK;
                }
                catch (RpcException e) when (e.StatusCode is not (StatusCode.Unavailable or StatusCode.Internal))
                {
                    return e.StatusCode;
                }
            },
            TimeSpan.FromSeconds(60),
            e => e is RpcException);
        var stored = await Poll.UntilAsync(
            async () => await platform.Access("officer-ada", "officer").GetGrantAsync(new GetGrantRequest { GrantId = grant.GrantId }),
            TimeSpan.FromSeconds(60),
            e => e is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.Internal });

        // Assert
        Assert.Equal("x@example.org", before.Record.Fields["email"]);
        Assert.Equal(StatusCode.PermissionDenied, after);
        // Whether or not the late expiry tick has come by now, the call above was denied by the window check.
        Assert.Contains(stored.Status, new[] { GrantStatus.Active, GrantStatus.Expired });
    }
}

/// <summary>A platform whose gateway lets a principal make 2 calls a second, 3 in a burst.</summary>
public sealed class RateLimitedPlatform : Platform
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraGatewaySettings() =>
    [
        new("Gateway:RateLimitPerSecond", "2"),
        new("Gateway:RateLimitBurst", "3"),
    ];
}

public sealed class RateLimitTests(RateLimitedPlatform platform) : IClassFixture<RateLimitedPlatform>
{
    [Fact]
    public async Task PrincipalOverItsRateGetsResourceExhaustedWithARetryHint()
    {
        var tenant = Platform.NewId("acme");
        var subjects = platform.Subjects(tenant);
        var other = platform.Subjects(tenant);
        var statuses = new List<StatusCode>();
        RpcException? exhausted = null;

        for (var i = 0; i < 8; i++)
        {
            try
            {
                await subjects.ListCategoriesAsync(new ListCategoriesRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1" });
                statuses.Add(StatusCode.OK);
            }
            catch (RpcException e)
            {
                statuses.Add(e.StatusCode);
                exhausted ??= e;
            }
        }

        var anotherPrincipal = await other.ListCategoriesAsync(new ListCategoriesRequest { Purpose = "support", TenantId = tenant, SubjectId = "s1" });

        Assert.Contains(StatusCode.OK, statuses);
        Assert.Contains(StatusCode.ResourceExhausted, statuses);
        Assert.All(statuses, s => Assert.True(s is StatusCode.OK or StatusCode.ResourceExhausted));
        var retry = exhausted!.GetRpcStatus()!.GetDetail<Google.Rpc.RetryInfo>();
        Assert.NotNull(retry);
        Assert.True(retry.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
        Assert.NotNull(anotherPrincipal);
    }
}
