using Custodian.Audit;
using Custodian.Gateway.Security;

namespace Custodian.Gateway.Audit;

/// <summary>The audit trail, with every record it stores also counted for the security reports.</summary>
public sealed class ObservedAuditTrail(AuditWriter writer, ActivityMonitor monitor) : IAuditTrail
{
    public async Task WriteAsync(AuditRecord record)
    {
        await writer.WriteAsync(record);
        monitor.Observe(record);
    }
}
