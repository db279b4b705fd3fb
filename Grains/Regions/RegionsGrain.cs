using Custodian.Audit;
using Custodian.Validation;
using Orleans.Concurrency;

namespace Custodian.Regions;

/// <summary>
/// A region's replication for operators and officers: its status, and the resynchronisation of a tenant,
/// which is recorded in the audit trail (who, which tenant, what was repaired) before it is answered.
/// </summary>
[StatelessWorker]
public sealed class RegionsGrain(IRegionReplication replication, IAuditTrail trail) : Grain, IRegionsGrain
{
    public Task<RegionStatus> StatusAsync() => replication.StatusAsync();

    public async Task<ResyncReport> ResyncAsync(string tenant, string actor, string? kind = null)
    {
        var violations = new List<FieldViolation>();
        Identifiers.CheckTenantId(tenant, "tenant_id", violations);
        if (kind is not null && !ResyncReport.Kinds.Contains(kind))
        {
            violations.Add(new FieldViolation("kind", $"is one of {string.Join(", ", ResyncReport.Kinds)}, or empty for all."));
        }

        if (violations.Count > 0)
        {
            return new ResyncReport(tenant, "", "", [], [.. violations]);
        }

        var report = await replication.ResyncAsync(tenant, kind);
        var repaired = string.Join(", ", report.Counts.Select(c => $"{c.Kind} {c.Repaired}/{c.Compared} repaired, {c.Left} left"));
        await trail.WriteAsync(new AuditRecord(
            DateTimeOffset.UtcNow, actor, "Regions:Resync", "tenant:" + tenant, $"{report.From} -> {report.To}: {repaired}", "-", ""));
        return report;
    }

    public async Task<PromotionResult> PromoteAsync(string tenant, string actor, string reason)
    {
        var violations = new List<FieldViolation>();
        Identifiers.CheckTenantId(tenant, "tenant_id", violations);
        Custodian.Access.OfficerReason.Check(reason, "reason", violations);
        if (violations.Count > 0)
        {
            return new PromotionResult(tenant, "", "", 0, "", null, [.. violations]);
        }

        var result = await replication.PromoteAsync(tenant, reason);
        await trail.WriteAsync(new AuditRecord(
            DateTimeOffset.UtcNow, actor, "Regions:Promote", "tenant:" + tenant,
            result.Refusal is { } refusal ? "refused: " + refusal : $"{result.From} -> {result.To} at epoch {result.Epoch}; loss: {result.Loss}", "-", "", reason));
        return result;
    }

    public async Task<PromotionResult> FailbackAsync(string tenant, string actor, string reason)
    {
        var violations = new List<FieldViolation>();
        Identifiers.CheckTenantId(tenant, "tenant_id", violations);
        Custodian.Access.OfficerReason.Check(reason, "reason", violations);
        if (violations.Count > 0)
        {
            return new PromotionResult(tenant, "", "", 0, "", null, [.. violations]);
        }

        var result = await replication.FailbackAsync(tenant, reason);
        await trail.WriteAsync(new AuditRecord(
            DateTimeOffset.UtcNow, actor, "Regions:Failback", "tenant:" + tenant,
            result.Refusal is { } refusal ? "refused: " + refusal : $"{result.From} -> {result.To} at epoch {result.Epoch}", "-", "", reason));
        return result;
    }
}
