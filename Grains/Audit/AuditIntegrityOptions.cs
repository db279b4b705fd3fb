using System.ComponentModel.DataAnnotations;

namespace Custodian.Audit;

/// <summary>How the silo guards the trail's history (section <c>Audit</c>, shared with the key file and the partitions).</summary>
public sealed class AuditIntegrityOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Audit";

    /// <summary>
    /// How often each active partition writes a signed checkpoint of its head to the pair region (when its head moved
    /// since the last one). A verification finds a tail cut or rewritten after the newest checkpoint; what was appended
    /// since the last one is guarded by the pair's copy of the head alone.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CheckpointPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// For the first start after an upgrade from a version whose partition heads carry no MAC: such a head is accepted,
    /// and authenticated (in this region and its pair) when its partition activates. Off, an unauthenticated head is
    /// refused like a forged one. Verify the trail before the upgrade, and turn this off once every partition has activated.
    /// </summary>
    public bool AcceptUnauthenticatedHeads { get; set; }
}
