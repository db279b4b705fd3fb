using Custodian.Gateway.Protos.Access;
using Custodian.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;

namespace Custodian.Tests.Access;

/// <summary>The platform with the two-person rule on, 127.0.0.1 as the one trusted proxy, and rate limits (of calls and of denials) out of the way.</summary>
public sealed class AccessPlatform : Platform
{
    public const string Officer = "officer-ada";
    public const string SecondOfficer = "officer-grace";

    /// <summary>Issues a grant as <paramref name="officer"/> (default <see cref="Officer"/>), over every category unless <paramref name="categories"/> lists some.</summary>
    public async Task<Grant> IssueAsync(
        string principal, string tenant, string[] subjects, Operation[] operations, string cidr, DateTimeOffset from, DateTimeOffset until,
        string justification = "ticket T-1", string purpose = "support", string officer = Officer, string[]? categories = null)
    {
        var request = new IssueGrantRequest
        {
            Principal = principal,
            Scope = new GrantScope { TenantId = tenant },
            Purpose = purpose,
            Justification = justification,
            ValidFrom = Timestamp.FromDateTimeOffset(from),
            ValidUntil = Timestamp.FromDateTimeOffset(until),
        };
        request.Scope.SubjectIds.AddRange(subjects);
        request.Scope.Categories.AddRange(categories ?? []);
        request.Operations.AddRange(operations);
        request.Cidrs.Add(cidr);
        return await Access(officer, "officer").IssueGrantAsync(request);
    }

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() =>
    [
        new("Access:TwoPersonRule", "true"),
        new("Access:TwoPersonSubjectThreshold", "10"),
    ];

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraGatewaySettings() =>
    [
        new("Gateway:TrustedProxies:0", "127.0.0.1/32"),
        new("Gateway:RateLimitPerSecond", "100000"),
        new("Gateway:RateLimitBurst", "100000"),
        new("Denials:PerSecond", "100000"),
        new("Denials:Burst", "100000"),
    ];
}
