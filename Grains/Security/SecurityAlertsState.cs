using System.Collections.Immutable;

namespace Custodian.Security;

/// <summary>What a region's alerts grain persists: the most recent alerts, oldest first.</summary>
[GenerateSerializer, Alias("Custodian.Security.SecurityAlertsState")]
public sealed class SecurityAlertsState
{
    [Id(0)]
    public ImmutableList<SecurityAlert> Alerts { get; set; } = [];
}
