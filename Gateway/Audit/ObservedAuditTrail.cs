using System.Collections.Immutable;
using Custodian.Audit;
using Custodian.Gateway.Security;

namespace Custodian.Gateway.Audit;

/// <summary>
/// The gateway's audit trail: each call's records go to the trail of the region that serves it
/// (<see cref="RegionalAuditTrail"/>), and every record stored is also counted for the security reports.
/// </summary>
public sealed class ObservedAuditTrail(RegionalAuditTrail trails, ActivityMonitor monitor) : IAuditTrail
{
    public async Task WriteAsync(ImmutableArray<AuditRecord> records)
    {
        await trails.WriteAsync(records);
        foreach (var record in records)
        {
            monitor.Observe(record);
        }
    }
}
