using System.Collections.Immutable;
using Custodian.Audit;
using Custodian.Gateway.Security;

namespace Custodian.Gateway.Audit;

/// <summary>The gateway's audit trail: the region's <see cref="AuditWriter"/>, with every record it stores also counted for the security reports.</summary>
public sealed class ObservedAuditTrail(AuditWriter writer, ActivityMonitor monitor) : IAuditTrail
{
    public async Task WriteAsync(ImmutableArray<AuditRecord> records)
    {
        await writer.WriteAsync(records);
        foreach (var record in records)
        {
            monitor.Observe(record);
        }
    }
}
