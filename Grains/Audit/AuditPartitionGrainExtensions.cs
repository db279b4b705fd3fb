using System.Collections.Immutable;

namespace Custodian.Audit;

/// <summary>Appends of any number of records by grains that write to a partition directly (the gateway batches on its own).</summary>
public static class AuditPartitionGrainExtensions
{
    /// <summary>
    /// Appends <paramref name="records"/> in order, in batches of at most <see cref="AuditPartitionLimits.MaxBatch"/>,
    /// each durably stored before the next is sent; returns the sequence of the last record. When a batch fails,
    /// the batches before it are stored, none after it is sent, and the failure is thrown.
    /// </summary>
    public static async Task<long> AppendAllAsync(this IAuditPartitionGrain partition, ImmutableArray<AuditRecord> records)
    {
        if (records.IsDefaultOrEmpty)
        {
            return await partition.AppendAsync([]);
        }

        long last = 0;
        for (var start = 0; start < records.Length; start += AuditPartitionLimits.MaxBatch)
        {
            last = await partition.AppendAsync(records.Slice(start, Math.Min(AuditPartitionLimits.MaxBatch, records.Length - start)));
        }

        return last;
    }
}
