using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Custodian.Audit;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Security;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Silo;
using Custodian.Tests.Subjects;
using Google.Rpc;
using Grpc.Core;
using Xunit.Abstractions;
using AccessClient = Custodian.Gateway.Protos.Access.Access.AccessClient;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Tests.Gateway;

/// <summary>
/// The platform with the default rates of denials (20 a second, burst 100, per source) but a short
/// counting window, fast security reports, and a gateway that runs at most 4 calls at once, with no queue.
/// </summary>
public sealed class DenialPlatform : Platform
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(3);
    public const int MaxConcurrentCalls = 4;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() =>
    [
        new("Denials:Window", Window.ToString()),
        new("Denials:FlushEvery", "00:00:00.250"),
        new("Security:EvaluationPeriod", "00:00:01"),
    ];

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraGatewaySettings() =>
    [
        new("Denials:Window", Window.ToString()),
        new("Denials:FlushEvery", "00:00:00.250"),
        new("Security:EvaluationPeriod", "00:00:01"),
        new("Gateway:MaxConcurrentCalls", $"{MaxConcurrentCalls}"),
        new("Gateway:ConcurrentCallQueue", "0"),
    ];
}

public sealed class DenialFloodTests(DenialPlatform platform, ITestOutputHelper output) : IClassFixture<DenialPlatform>
{
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Fact]
    public async Task AFloodOfUnauthenticatedCallsIsMostlyThrottledAddsAHandfulOfEntriesAndLeavesAnAppsReadsAlone()
    {
        // Arrange: an attacker and an honest client application behind the same address
        const int calls = 1500;
        var tenant = Platform.NewId("acme");
        var source = Platform.NewSource();
        var app = new SubjectsClient(platform.Channel(platform.Token(tenant, "app"), source));
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("flood-9120@example.org") });
        var attacker = new SubjectsClient(platform.Channel(token: null, source));
        var since = Now;
        var clock = Stopwatch.StartNew();

        // Act: the flood, 32 calls in flight, while the app reads one read after another
        var statuses = new ConcurrentDictionary<StatusCode, int>();
        RpcException? throttled = null;
        // The second half of the flood waits until the app has made five reads during the first: how fast the
        // flood is thrown back (0.2 to 1.4 s on this machine) must not decide whether the app had time to read.
        var appReadFive = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flood = Task.WhenAll(Enumerable.Range(0, 32).Select(async worker =>
        {
            for (var i = worker; i < calls; i += 32)
            {
                if (i >= calls / 2)
                {
                    await appReadFive.Task.WaitAsync(TimeSpan.FromSeconds(30));
                }

                try
                {
                    await attacker.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "s1", Category = "contact", Purpose = "billing" });
                    statuses.AddOrUpdate(StatusCode.OK, 1, (_, n) => n + 1);
                }
                catch (RpcException e)
                {
                    statuses.AddOrUpdate(e.StatusCode, 1, (_, n) => n + 1);
                    throttled ??= e.StatusCode == StatusCode.ResourceExhausted ? e : null;
                }
            }
        }));
        var appReads = 0;
        while (!flood.IsCompleted)
        {
            var read = await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "s1", Category = "contact", Purpose = "billing" });
            appReads += read.Record.Fields["email"] == "flood-9120@example.org" ? 1 : 0;
            if (appReads == 5)
            {
                appReadFive.TrySetResult();
            }
        }

        await flood;
        var floodTime = clock.Elapsed;
        var entries = await EntriesUntilCountedAsync(new AuditQuery(Actor: "anonymous", From: since), source, calls);

        // Assert
        output.WriteLine($"{calls} unauthenticated calls from {source} in {floodTime.TotalSeconds:0.0} s: "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))
            + $"; {entries.Count} audit entries added for the source ({string.Join(", ", entries.Select(e => $"{e.Record.Outcome} x{e.Record.Count}"))}); {appReads} app reads succeeded meanwhile");
        Assert.Equal(calls, statuses.Values.Sum());
        Assert.Equal(calls, entries.Sum(e => e.Record.Count)); // every call is accounted for, once
        Assert.Equal([StatusCode.ResourceExhausted, StatusCode.Unauthenticated], statuses.Keys.Order());
        Assert.True(statuses[StatusCode.ResourceExhausted] > calls / 2, "most calls of the flood are throttled");
        Assert.NotNull(throttled!.GetRpcStatus()!.GetDetail<RetryInfo>());
        Assert.True(entries.Count <= 2 * (WindowsIn(clock.Elapsed) + 1), $"{entries.Count} entries: at most two per counting window");
        Assert.All(entries, e => Assert.Equal("denied:unauthenticated", e.Record.Outcome));
        Assert.True(appReads >= 5, $"the app kept reading during the flood ({appReads} reads)");
        var activity = await Poll.UntilAsync(async () => await platform.GatewayCluster.GetGrain<IPrincipalActivityGrain>($"{Platform.Region}/anonymous").GetAsync()
            is { } a && a.Minutes.Sum(m => m.Denied) >= calls ? a : throw new TimeoutException("the denials are not all counted yet"), TimeSpan.FromSeconds(15), e => e is TimeoutException);
        Assert.True(activity.Minutes.Sum(m => m.Denied) >= calls, "the security reports count every denial, not only those written one by one");
    }

    [Fact]
    public async Task RepeatedRefusalsOfACallersRoleAndOfItsAccessAreCountedNotWrittenOneByOne()
    {
        // Arrange: a client application that calls what its role may not, and reads another tenant's subject
        const int calls = 300;
        var source = Platform.NewSource();
        var app = Platform.NewId("app");
        var token = Custodian.Hosting.DevelopmentTokens.Mint(platform.Jwt, app, Platform.NewId("acme"), ["app"], TimeSpan.FromMinutes(10));
        var access = new AccessClient(platform.Channel(token, source));
        var subjects = new SubjectsClient(platform.Channel(token, source));
        var since = Now;
        var clock = Stopwatch.StartNew();

        // Act: one call after another (the gateway runs only a few at once)
        var statuses = new Dictionary<string, int>();
        for (var i = 0; i < calls; i++)
        {
            await Count(statuses, "role", () => access.ListGrantLogAsync(new()).ResponseAsync);
            await Count(statuses, "access", () => subjects.GetRecordAsync(new GetRecordRequest { TenantId = "someone-else", SubjectId = "s1", Category = "contact", Purpose = "billing" }).ResponseAsync);
        }

        var entries = await EntriesUntilCountedAsync(new AuditQuery(Actor: app, From: since), source, 2 * calls);

        // Assert
        output.WriteLine($"{2 * calls} refused calls from {source} in {clock.Elapsed.TotalSeconds:0.0} s: "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))
            + $"; {entries.Count} audit entries ({string.Join(", ", entries.Select(e => $"{e.Record.Outcome} x{e.Record.Count}"))})");
        Assert.True(statuses.GetValueOrDefault("role ResourceExhausted") + statuses.GetValueOrDefault("access ResourceExhausted") > calls, "most refusals are throttled");
        Assert.True(statuses.GetValueOrDefault("role PermissionDenied") > 0 && statuses.GetValueOrDefault("access PermissionDenied") > 0);
        Assert.Equal(2 * calls, statuses.Values.Sum());
        Assert.Equal(2 * calls, entries.Sum(e => e.Record.Count));
        Assert.Equal(["denied", "denied:role"], entries.Select(e => e.Record.Outcome).Distinct().Order());
        Assert.True(entries.Count <= 4 * (WindowsIn(clock.Elapsed) + 1), $"{entries.Count} entries: at most two per kind and counting window");
    }

    [Fact]
    public async Task AFloodOfRefusedDashboardLoginsIsThrottledAndCountedAndAGoodLoginStillWorks()
    {
        // Arrange
        const int attempts = 300;
        var source = Platform.NewSource();
        using var client = DashboardLogins.Client(platform, new CookieContainer(), source);
        var since = Now;
        var clock = Stopwatch.StartNew();

        // Act
        var statuses = new Dictionary<HttpStatusCode, int>();
        string? retryAfter = null;
        for (var i = 0; i < attempts; i++)
        {
            var login = await DashboardLogins.LoginAsync(client, "not.a.token");
            statuses[login.StatusCode] = statuses.GetValueOrDefault(login.StatusCode) + 1;
            retryAfter ??= login.Headers.RetryAfter?.ToString();
        }

        var good = await DashboardLogins.LoginAsync(client, platform.DashboardToken(Platform.NewId("operator"), "operator"));
        var entries = await EntriesUntilCountedAsync(new AuditQuery(Actor: "anonymous", Action: "DashboardLogin", From: since), source, attempts);

        // Assert
        output.WriteLine($"{attempts} refused logins from {source} in {clock.Elapsed.TotalSeconds:0.0} s: "
            + string.Join(", ", statuses.Select(s => $"{(int)s.Key} {s.Value}")) + $"; {entries.Count} audit entries; Retry-After {retryAfter}");
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.TooManyRequests) > attempts / 2, "most refused logins are throttled");
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Unauthorized) > 0);
        Assert.NotNull(retryAfter);
        Assert.Equal(attempts, entries.Sum(e => e.Record.Count));
        Assert.True(entries.Count <= 2 * (WindowsIn(clock.Elapsed) + 1), $"{entries.Count} entries: at most two per counting window");
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
    }

    [Fact]
    public async Task CallsBeyondTheGatewaysLimitOfCallsInFlightAreTurnedAwayAndTheRestServed()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("busy-7710@example.org") });

        // Act: rounds of 64 reads at once, until the limit shows (the first round nearly always does)
        var ok = 0;
        RpcException? busy = null;
        for (var round = 0; round < 10 && busy is null; round++)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
            {
                try
                {
                    await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "s1", Category = "contact", Purpose = "billing" });
                    return null;
                }
                catch (RpcException e)
                {
                    return e;
                }
            }));
            ok += results.Count(r => r is null);
            busy ??= results.FirstOrDefault(r => r is not null);
            Assert.All(results.Where(r => r is not null), r => Assert.Equal(StatusCode.ResourceExhausted, r!.StatusCode));
        }

        // Assert
        Assert.NotNull(busy);
        Assert.Contains("limit of calls in flight", busy.Status.Detail);
        Assert.NotNull(busy.GetRpcStatus()!.GetDetail<RetryInfo>());
        Assert.True(ok >= DenialPlatform.MaxConcurrentCalls, $"{ok} reads were served");
    }

    private static int WindowsIn(TimeSpan elapsed) => (int)Math.Ceiling(elapsed / DenialPlatform.Window);

    /// <summary>The source's entries matching the query, once their counts add up to <paramref name="expected"/> (summaries come when a window closes).</summary>
    private async Task<List<AuditEntry>> EntriesUntilCountedAsync(AuditQuery query, IPAddress source, int expected) =>
        await Poll.UntilAsync(async () =>
        {
            var entries = (await platform.AuditEntriesAsync(query)).Where(e => e.Record.SourceIp == source.ToString()).ToList();
            return entries.Sum(e => e.Record.Count) >= expected ? entries : throw new TimeoutException($"{entries.Sum(e => e.Record.Count)} of {expected} denials accounted for");
        }, TimeSpan.FromSeconds(30), e => e is TimeoutException);

    private static async Task Count(Dictionary<string, int> statuses, string kind, Func<Task> call)
    {
        var key = $"{kind} OK";
        try
        {
            await call();
        }
        catch (RpcException e)
        {
            key = $"{kind} {e.StatusCode}";
        }

        statuses[key] = statuses.GetValueOrDefault(key) + 1;
    }
}
