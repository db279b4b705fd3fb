namespace Custodian.Audit;

/// <summary>Limits of one audit append and one audit query.</summary>
public static class AuditPartitionLimits
{
    /// <summary>The most records one append takes (one storage transaction, with the partition's head).</summary>
    public const int MaxBatch = 99;

    /// <summary>The most entries one query returns.</summary>
    public const int MaxPage = 1000;
}
