using Custodian.Audit;
using Custodian.Gateway.Routing;
using Custodian.Hosting;
using Custodian.Validation;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Audit;

namespace Custodian.Gateway.Services;

/// <summary>
/// The Audit gRPC service over a region's trail (the one a request names, by default the gateway's own), read
/// through that region's cluster: verification for officers, the DPO and operators; queries, which name
/// principals and (hashed) subjects, for officers and the DPO. It validates and maps; the
/// <see cref="AuditReader"/> merges the partitions and pages.
/// </summary>
[Authorize]
public sealed partial class AuditService(RegionRouter router, AuditOptions options, AuditKeys keys, ILogger<AuditService> logger) : Proto.Audit.AuditBase
{
    private const int DefaultPageSize = 100;

    private int Partitions => options.Partitions;

    [Authorize(Roles = "officer,dpo,operator")]
    public override async Task<Proto.VerifyTrailResponse> VerifyTrail(Proto.VerifyTrailRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var region = RegionOf(request.Region, violations);
        if (request.HasPartition && (request.Partition < 0 || request.Partition >= Partitions))
        {
            violations.Add(new FieldViolation("partition", $"is 0 to {Partitions - 1}, a partition of this region"));
        }

        var (from, until) = (request.From?.ToDateTimeOffset(), request.Until?.ToDateTimeOffset());
        AuditQuery.CheckWindow(from, until, violations);
        RpcErrors.ThrowIfAny(violations);

        var verifications = await Trail(region).VerifyAsync(request.HasPartition ? request.Partition : null, from, until);
        var response = new Proto.VerifyTrailResponse { Intact = verifications.All(v => v.Intact && v.ReplicaIdentical && v.ForgedCheckpoints == 0) };
        foreach (var verification in verifications)
        {
            if (!verification.Intact)
            {
                LogBroken(logger, verification.Partition, verification.FirstBadSequence ?? 0, verification.Reason ?? "", Caller.Actor(context));
            }

            if (verification.ForgedCheckpoints > 0)
            {
                LogForgedCheckpoints(logger, verification.Partition, verification.ForgedCheckpoints, Caller.Actor(context));
            }

            response.Partitions.Add(AuditMapper.ToProto(verification));
        }

        LogVerified(logger, Caller.Actor(context), verifications.Length, response.Intact, from is not null || until is not null);
        return response;
    }

    [Authorize(Roles = "officer,dpo")]
    public override async Task<Proto.QueryTrailResponse> QueryTrail(Proto.QueryTrailRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var region = RegionOf(request.Region, violations);
        var target = Target(request, violations);
        var query = new AuditQuery(NullIfEmpty(request.Actor), NullIfEmpty(request.Action), target, request.From?.ToDateTimeOffset(), request.Until?.ToDateTimeOffset());
        violations.AddRange(query.Validate());
        if (request.PageSize is < 0 or > AuditPartitionLimits.MaxPage)
        {
            violations.Add(new FieldViolation("page_size", $"is 0 to {AuditPartitionLimits.MaxPage} (0 means {DefaultPageSize})"));
        }

        var trail = Trail(region);
        var positions = trail.Positions(request.PageToken);
        if (positions is null)
        {
            violations.Add(new FieldViolation("page_token", "is not a page token of this region's trail: pass next_page_token as it came"));
        }

        RpcErrors.ThrowIfAny(violations);

        var pageSize = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var page = await trail.QueryAsync(query, positions!, pageSize);
        var response = new Proto.QueryTrailResponse { NextPageToken = page.NextPageToken };
        response.Entries.AddRange(page.Entries.Select(e => AuditMapper.ToProto(e.Entry, e.Partition)));
        return response;
    }

    /// <summary>The target to filter by: as given, or a subject's keyed hash, or a tenant's own target.</summary>
    private string? Target(Proto.QueryTrailRequest request, List<FieldViolation> violations)
    {
        if (request.TenantId.Length == 0)
        {
            if (request.SubjectId.Length > 0)
            {
                violations.Add(new FieldViolation("tenant_id", "is required with subject_id"));
            }

            return NullIfEmpty(request.Target);
        }

        if (request.Target.Length > 0)
        {
            violations.Add(new FieldViolation("target", "cannot be combined with tenant_id and subject_id"));
        }

        Identifiers.CheckTenantId(request.TenantId, "tenant_id", violations);
        if (request.SubjectId.Length == 0)
        {
            return $"tenant:{request.TenantId}";
        }

        Identifiers.CheckSubjectId(request.SubjectId, "subject_id", violations);
        return keys.Subject(request.TenantId, request.SubjectId);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>The region whose trail a request reads: the one it names (a declared region), or the gateway's own.</summary>
    private string RegionOf(string region, List<FieldViolation> violations)
    {
        if (region.Length == 0)
        {
            return router.OwnRegion;
        }

        if (!router.Placement.Regions.ContainsKey(region))
        {
            violations.Add(new FieldViolation("region", "is not a declared region (e.g. eu-west); empty for the gateway's own"));
            return router.OwnRegion;
        }

        return region;
    }

    /// <summary>The reader of <paramref name="region"/>'s trail, over its cluster (UNAVAILABLE when the gateway cannot reach it).</summary>
    private AuditReader Trail(string region) => new(router.Region(region), region, Partitions);

    [LoggerMessage(7101, LogLevel.Information, "Audit trail verified by {Principal}: {Partitions} partition(s), intact {Intact}, time range {Ranged}")]
    private static partial void LogVerified(ILogger logger, string principal, int partitions, bool intact, bool ranged);

    [LoggerMessage(7102, LogLevel.Error, "Audit partition {Partition} is broken at entry {Sequence}: {Reason} (verified by {Principal})")]
    private static partial void LogBroken(ILogger logger, string partition, long sequence, string reason, string principal);

    [LoggerMessage(7105, LogLevel.Error, "Audit partition {Partition}: {Forged} checkpoint(s) failed their MAC and were ignored (verified by {Principal})")]
    private static partial void LogForgedCheckpoints(ILogger logger, string partition, int forged, string principal);
}
