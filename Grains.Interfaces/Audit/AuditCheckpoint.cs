using System.Globalization;

namespace Custodian.Audit;

/// <summary>
/// A signed record of how far a partition of the trail had come: its head's sequence and hash at a time, with a
/// MAC under the audit integrity key, which the storage accounts do not hold, so no one with access to them can
/// forge one. Written periodically to the pair region and with every backup, it lets a verification tell a trail
/// cut short (its head below the checkpoint's) or rewritten (another entry at the checkpoint's sequence) from an
/// intact one, even when the head was rolled back with the tail.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Audit.AuditCheckpoint")]
public sealed record AuditCheckpoint(
    [property: Id(0)] string Partition,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string Hash,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Mac)
{
    /// <summary>The purpose the MAC is computed for, so that no other authenticated fact passes for a checkpoint.</summary>
    public const string Purpose = "audit-checkpoint";

    /// <summary>The fields the MAC covers, in order: partition, sequence, hash and time (UTC ticks).</summary>
    public string[] Fields() => [Partition, Sequence.ToString(CultureInfo.InvariantCulture), Hash, At.UtcTicks.ToString(CultureInfo.InvariantCulture)];
}
