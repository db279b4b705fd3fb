using System.Collections.Immutable;

namespace Custodian.Audit;

/// <summary>
/// Where Custodian records what it decided and did: the region's audit trail. The gateway, the grains, the
/// silo's start-up and the dashboard login all write through it (see <see cref="AuditWriter"/>).
/// </summary>
public interface IAuditTrail
{
    /// <summary>
    /// Stores the records, in order, in one partition; the task completes once all are durable and fails when
    /// any could not be stored (those before it may be).
    /// </summary>
    Task WriteAsync(ImmutableArray<AuditRecord> records);
}

/// <summary>Writes of one record.</summary>
public static class AuditTrailExtensions
{
    /// <summary>Stores the record; the task completes once it is durable and fails when it could not be stored.</summary>
    public static Task WriteAsync(this IAuditTrail trail, AuditRecord record) => trail.WriteAsync([record]);
}
