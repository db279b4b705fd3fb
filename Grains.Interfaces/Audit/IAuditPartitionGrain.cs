using System.Collections.Immutable;

namespace Custodian.Audit;

/// <summary>
/// One partition of the audit trail (keyed <c>region/n</c>): appends batches to its hash chain,
/// durably, before it answers; verifies and queries the chain.
/// </summary>
[Alias("Custodian.Audit.IAuditPartitionGrain")]
public interface IAuditPartitionGrain : IGrainWithStringKey
{
    /// <summary>Appends the records in order, stored durably before this returns; at most 99 per call.</summary>
    [Alias("Append")]
    Task<long> AppendAsync(ImmutableArray<AuditRecord> records);

    /// <summary>Recomputes the whole chain as stored and reports the first broken entry, if any.</summary>
    [Alias("Verify")]
    Task<AuditVerification> VerifyAsync();

    /// <summary>Entries by actor, action, target and time (each optional), oldest first.</summary>
    [Alias("Query")]
    Task<ImmutableArray<AuditEntry>> QueryAsync(string? actor, string? action, string? target, DateTimeOffset? from, DateTimeOffset? until);
}
