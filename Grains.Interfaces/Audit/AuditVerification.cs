namespace Custodian.Audit;

/// <summary>
/// The result of recomputing a partition's chain, whole or over a time range: how many entries were
/// checked (sequences <see cref="FirstSequence"/> to <see cref="LastSequence"/>, 0 when none), the hash of
/// the last good one, and the first broken entry (sequence and reason) when there is one. When intact,
/// <see cref="Signature"/> lets the summary be published and checked later: HMAC-SHA256 over partition,
/// count and head for a whole partition; for a range, with another key, over partition, count, first and
/// last sequence and head, so that neither kind passes for the other. A whole-partition check also compares
/// the pair region's copy row by row (<see cref="Replica"/> describes it; <see cref="ReplicaIdentical"/>), and its tail
/// with the newest authentic checkpoint of its head (<see cref="Tail"/>, <see cref="Checkpoint"/>, found in
/// <see cref="CheckpointSource"/>); checkpoints whose MAC fails are ignored and counted (<see cref="ForgedCheckpoints"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Audit.AuditVerification")]
public sealed record AuditVerification(
    [property: Id(0)] string Partition,
    [property: Id(1)] long Count,
    [property: Id(2)] string HeadHash,
    [property: Id(3)] long? FirstBadSequence,
    [property: Id(4)] string? Reason,
    [property: Id(5)] string Signature,
    [property: Id(6)] long FirstSequence,
    [property: Id(7)] long LastSequence,
    [property: Id(8)] string? Replica = null,
    [property: Id(9)] bool ReplicaIdentical = true,
    [property: Id(10)] AuditTailCheck Tail = AuditTailCheck.NotChecked,
    [property: Id(11)] AuditCheckpoint? Checkpoint = null,
    [property: Id(12)] string? CheckpointSource = null,
    [property: Id(13)] int ForgedCheckpoints = 0)
{
    /// <summary>True when every entry checked out.</summary>
    public bool Intact => FirstBadSequence is null;
}
