using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Security;

/// <summary>
/// The platform with fast security reports: gateways report every <see cref="EvaluationPeriod"/>,
/// the volume rule fires above <see cref="VolumePerMinute"/> calls a minute and suspends the
/// principal and opens a draft incident; 127.0.0.1 is a trusted proxy (tests set source addresses).
/// </summary>
public sealed class SecurityPlatform : Platform
{
    public static readonly TimeSpan EvaluationPeriod = TimeSpan.FromSeconds(1);
    public const int VolumePerMinute = 40;
    public const int DenialsCount = 3;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() =>
    [
        new("Security:EvaluationPeriod", EvaluationPeriod.ToString()),
        new("Security:VolumeMinimumPerMinute", $"{VolumePerMinute}"),
        new("Security:DenialsCount", $"{DenialsCount}"),
        new("Security:BulkSubjectsPerHour", "5"),
        new("Security:AutoSuspend", "volume"),
        new("Security:DraftIncident", "volume, bulk-export"),
        new("Security:Cooldown", "00:00:01"),
    ];

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraGatewaySettings() =>
    [
        new("Security:EvaluationPeriod", EvaluationPeriod.ToString()),
        new("Gateway:TrustedProxies:0", "127.0.0.1/32"),
        new("Gateway:RateLimitPerSecond", "100000"),
        new("Gateway:RateLimitBurst", "100000"),
    ];
}
