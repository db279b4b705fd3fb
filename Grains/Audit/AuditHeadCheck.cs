namespace Custodian.Audit;

/// <summary>
/// What the store found of a partition's head: the head when it is sound (null for a partition that has no entries
/// yet), or the <see cref="Problem"/> that makes it unacceptable (forged, rolled back, missing while entries exist),
/// described by partition and sequences only, with the first sequence it puts in doubt (null: the end of the chain as
/// stored).
/// </summary>
public sealed record AuditHeadCheck(AuditHead? Head, string? Problem = null, long? BadSequence = null)
{
    /// <summary>Whether the head can be taken as it is.</summary>
    public bool Sound => Problem is null;

    /// <summary>A sound head (or none, for a new partition).</summary>
    public static AuditHeadCheck Of(AuditHead? head) => new(head);

    /// <summary>A head that is not accepted, for <paramref name="problem"/>.</summary>
    public static AuditHeadCheck Refused(string problem, long? badSequence = null) => new(null, problem, badSequence);
}
