namespace Custodian.Audit;

/// <summary>Limits of one audit append.</summary>
public static class AuditPartitionLimits
{
    /// <summary>The most records one append takes (one storage transaction, with the partition's head).</summary>
    public const int MaxBatch = 99;
}
