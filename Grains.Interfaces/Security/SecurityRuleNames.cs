namespace Custodian.Security;

/// <summary>The names of the security-report rules, as configuration and alerts spell them.</summary>
public static class SecurityRuleNames
{
    /// <summary>Calls in a minute far above the principal's own baseline.</summary>
    public const string Volume = "volume";

    /// <summary>Many distinct subjects, or many exports, in an hour.</summary>
    public const string BulkExport = "bulk-export";

    /// <summary>A call from a network the principal was never seen on.</summary>
    public const string NewNetwork = "new-network";

    /// <summary>Several denials within a short window.</summary>
    public const string RepeatedDenials = "repeated-denials";

    /// <summary>Calls by a person (not an application) outside working hours.</summary>
    public const string OffHours = "off-hours";

    /// <summary>Every rule.</summary>
    public static readonly IReadOnlyList<string> All = [Volume, BulkExport, NewNetwork, RepeatedDenials, OffHours];
}
