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

    /// <summary>A stored grain state was refused: rolled back, reset, or erased by a forged tombstone (raised by the storage).</summary>
    public const string StateIntegrity = "state-integrity";

    /// <summary>An audit partition's head or checkpoints were found altered (raised by the trail).</summary>
    public const string AuditTamper = "audit-tamper";

    /// <summary>Writes have waited in the replication backlog too long (raised by the replica).</summary>
    public const string ReplicationBacklog = "replication-backlog";

    /// <summary>A tenant failed over to this region (raised by the failover loop).</summary>
    public const string RegionFailover = "region-failover";

    /// <summary>A failover that was due was refused (raised by the failover loop).</summary>
    public const string RegionFailoverRefused = "region-failover-refused";

    /// <summary>
    /// The alerts the platform raises itself rather than evaluating a principal's calls: they are never in
    /// <c>Security:Enabled</c>, but <c>Security:DraftIncident</c> may name them (a refused state is a possible breach).
    /// </summary>
    public static readonly IReadOnlyList<string> PlatformRaised = [StateIntegrity, AuditTamper, ReplicationBacklog, RegionFailover, RegionFailoverRefused];
}
