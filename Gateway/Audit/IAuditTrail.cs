using Custodian.Audit;

namespace Custodian.Gateway.Audit;

/// <summary>Where the gateway records what it decided and did: the region's audit trail.</summary>
public interface IAuditTrail
{
    /// <summary>Stores the record; the task completes once it is durable and fails when it could not be stored.</summary>
    Task WriteAsync(AuditRecord record);
}
