namespace Custodian.Audit;

/// <summary>
/// The result of recomputing a partition's chain: how many entries, the head hash, and the first
/// broken entry (sequence and reason) when there is one. <see cref="Signature"/> (HMAC-SHA256 over
/// partition, count and head) lets the summary be published and checked later.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Audit.AuditVerification")]
public sealed record AuditVerification(
    [property: Id(0)] string Partition,
    [property: Id(1)] long Count,
    [property: Id(2)] string HeadHash,
    [property: Id(3)] long? FirstBadSequence,
    [property: Id(4)] string? Reason,
    [property: Id(5)] string Signature)
{
    /// <summary>True when every entry checked out.</summary>
    public bool Intact => FirstBadSequence is null;
}
