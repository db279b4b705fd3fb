using Custodian.Requests;
using Custodian.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RequestsClient = Custodian.Gateway.Protos.Requests.Requests.RequestsClient;

namespace Custodian.Tests.Requests;

/// <summary>
/// The platform with request deadlines on a <see cref="FakeTimeProvider"/> (the rest of the silo and the gateway
/// keep the real clock), warnings 10 and 3 days before the due date, and due-soon meaning within 7 days.
/// </summary>
public sealed class RequestsPlatform : Platform
{
    public const string Officer = "officer-requests";

    /// <summary>The configured warning points.</summary>
    public static readonly TimeSpan[] WarnBefore = [TimeSpan.FromDays(10), TimeSpan.FromDays(3)];

    /// <summary>The clock request grains run on; tests only move it forward.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>The request grain of <paramref name="tenant"/>/<paramref name="requestId"/>, called inside the silo.</summary>
    public ISubjectRequestGrain Request(string tenant, string requestId) =>
        SiloGrains.GetGrain<ISubjectRequestGrain>(SubjectRequest.GrainKey(tenant, requestId));

    /// <summary>Files a request directly on its grain, received at <paramref name="receivedAt"/> (now when null); returns it.</summary>
    public async Task<SubjectRequest> FileAsync(string tenant, string requestId, DateTimeOffset? receivedAt = null, RequestKind kind = RequestKind.Access)
    {
        var result = await Request(tenant, requestId).FileAsync(new RequestFiling("s1", kind, RequestChannel.Helpdesk, "staff-test", receivedAt));
        return result.Request ?? throw new InvalidOperationException("filing failed: " + string.Join("; ", result.Violations.Select(v => v.Field)) + result.Refusal);
    }

    /// <summary>A Requests client calling as <paramref name="principal"/> with <paramref name="roles"/> (and a tenant claim when given).</summary>
    public RequestsClient RequestsAs(string principal, string? tenant, params string[] roles) =>
        new(Channel(Custodian.Hosting.DevelopmentTokens.Mint(Jwt, principal, tenant, roles, TimeSpan.FromMinutes(10))));

    /// <summary>Moves the clock forward to the next <paramref name="month"/>/<paramref name="day"/> at 10:15 UTC of a year that is (or is not) a leap year.</summary>
    public DateTimeOffset MoveToNext(int month, int day, bool leapYear)
    {
        var now = Clock.GetUtcNow();
        for (var year = now.Year + 1; ; year++)
        {
            if (DateTime.IsLeapYear(year) == leapYear)
            {
                var at = new DateTimeOffset(year, month, day, 10, 15, 0, TimeSpan.Zero);
                Clock.SetUtcNow(at);
                return at;
            }
        }
    }

    protected override void ConfigureSiloServices(IServiceCollection services) =>
        services.AddKeyedSingleton<TimeProvider>(RequestsOptions.ClockKey, Clock);

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() =>
    [
        new("Requests:WarnBefore:0", "10.00:00:00"),
        new("Requests:WarnBefore:1", "3.00:00:00"),
        new("Requests:DueSoonWithin", "7.00:00:00"),
    ];

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraGatewaySettings() =>
    [
        new("Gateway:RateLimitPerSecond", "100000"),
        new("Gateway:RateLimitBurst", "100000"),
    ];
}

[CollectionDefinition(Name)]
public sealed class RequestsCollection : ICollectionFixture<RequestsPlatform>
{
    public const string Name = "requests";
}
