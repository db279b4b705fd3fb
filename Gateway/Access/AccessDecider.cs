using System.Diagnostics.Metrics;
using System.Net;
using Custodian.Access;
using Custodian.Audit;
using Custodian.Gateway.Audit;
using Custodian.Gateway.Services;
using Custodian.Hosting;
using Custodian.Subjects;
using Grpc.Core;

namespace Custodian.Gateway.Access;

/// <summary>
/// Decides every call on personal data: deny by default. A client application may act within its own
/// tenant; anyone else needs an active grant of the principal (from the <see cref="GrantCache"/>) that
/// covers the method's declared operation, the subject, the current time and the caller's source
/// address. Every decision, allow or deny, is recorded with the grant that allowed it.
/// </summary>
public sealed partial class AccessDecider
{
    private readonly IClusterClient _cluster;
    private readonly GrantCache _grants;
    private readonly IAuditTrail _audit;
    private readonly AuditKeys _auditKeys;
    private readonly TimeProvider _time;
    private readonly ILogger<AccessDecider> _logger;
    private readonly GatewayOptions _options;
    private readonly Counter<long> _decisions;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _lastUseSent = new();

    public AccessDecider(IClusterClient cluster, GrantCache grants, IAuditTrail audit, AuditKeys auditKeys, TimeProvider time, ILogger<AccessDecider> logger, GatewayOptions options, IMeterFactory meters)
    {
        _cluster = cluster;
        _grants = grants;
        _audit = audit;
        _auditKeys = auditKeys;
        _time = time;
        _logger = logger;
        _options = options;
        _decisions = meters.Create("Custodian.Gateway").CreateCounter<long>("custodian.access.decisions", description: "Access decisions by operation and outcome");
    }

    /// <summary>
    /// Decides the call and returns what allowed it (a grant id, or <c>role:app</c>) once the decision
    /// is durably in the audit trail; throws PERMISSION_DENIED (recorded too) otherwise. For calls that
    /// change something.
    /// </summary>
    public async Task<AccessDecision> RequireAsync(ServerCallContext context, string tenantId, string? subjectId, string? category = null)
    {
        var decision = await DecideAsync(context, tenantId, subjectId, category);
        await decision.RecordedAsync();
        return decision;
    }

    /// <summary>
    /// Decides the call; a denial is recorded and thrown as PERMISSION_DENIED. An allowed call may run
    /// while its record is being stored, but nothing may go back to the caller before
    /// <see cref="AccessDecision.RecordedAsync"/> has completed: for reads, which change nothing, the
    /// storage round trip then overlaps the read instead of adding to it. A client application's
    /// <paramref name="declaredPurpose"/> is the decision's purpose; under a grant, the grant's purpose is.
    /// </summary>
    public async Task<AccessDecision> DecideAsync(ServerCallContext context, string tenantId, string? subjectId, string? category = null, string? declaredPurpose = null)
    {
        var http = context.GetHttpContext();
        var operation = http.GetEndpoint()?.Metadata.GetMetadata<PerformsAttribute>()?.Operation ?? Operation.Unspecified;
        var principal = http.User.FindFirst(CustodianClaims.Subject)?.Value ?? "";
        var source = SourceAddress.Of(http, _options);
        var (allowedBy, purpose) = await AllowedByAsync(http, operation, principal, tenantId, subjectId, category, source, declaredPurpose);

        _decisions.Add(1, new KeyValuePair<string, object?>("operation", operation.ToString()), new KeyValuePair<string, object?>("outcome", allowedBy is null ? "deny" : "allow"));

        // Fail closed: no decision takes effect, allow or deny, unless the trail holds it.
        var target = subjectId is null ? $"tenant:{tenantId}" : _auditKeys.Subject(tenantId, subjectId);
        var record = new AuditRecord(_time.GetUtcNow(), principal, $"{operation}:{context.Method}", target,
            allowedBy is null ? "denied" : "allowed", source.ToString(), allowedBy ?? "");
        var decision = new AccessDecision(allowedBy ?? "", purpose, Recorded(record, context.Method));
        if (operation is not (Operation.Read or Operation.Export))
        {
            http.Items[AccessDecision.ItemKey] = decision; // for the outcome record that follows a change
        }
        if (allowedBy is null)
        {
            await decision.RecordedAsync();
            LogDenied(_logger, principal, context.Method, operation, tenantId, subjectId ?? "-", source.ToString());
            RpcErrors.PermissionDenied("No grant allows this operation on this subject, from this address, now.");
        }

        LogAllowed(_logger, principal, context.Method, operation, tenantId, subjectId ?? "-", source.ToString(), allowedBy);
        return decision;
    }

    /// <summary>
    /// Records what followed an allowed decision on a subject (a read refused for its purpose, the digests
    /// of a rectification) under <paramref name="action"/>; fails the call UNAVAILABLE when the trail
    /// cannot take it.
    /// </summary>
    public Task RecordAsync(ServerCallContext context, string tenantId, string subjectId, string action, string outcome, AccessDecision decision)
    {
        var http = context.GetHttpContext();
        var record = new AuditRecord(_time.GetUtcNow(), http.User.FindFirst(CustodianClaims.Subject)?.Value ?? "", action,
            _auditKeys.Subject(tenantId, subjectId), outcome, SourceAddress.Of(http, _options).ToString(), decision.AllowedBy);
        return Recorded(record, context.Method);
    }

    private async Task Recorded(AuditRecord record, string method)
    {
        try
        {
            await _audit.WriteAsync(record);
        }
        catch (Exception e)
        {
            LogAuditUnavailable(_logger, e, method);
            throw new RpcException(new Status(StatusCode.Unavailable, "The audit trail cannot record this call right now, so nothing was done; retry later."));
        }
    }

    private async Task<(string? AllowedBy, string Purpose)> AllowedByAsync(
        HttpContext http, Operation operation, string principal, string tenantId, string? subjectId, string? category, IPAddress source, string? declaredPurpose)
    {
        if (operation == Operation.Unspecified || principal.Length == 0)
        {
            return (null, ""); // a method that declares no operation is closed
        }

        if (http.User.IsInRole(CustodianClaims.AppRole) && http.User.FindFirst(CustodianClaims.Tenant)?.Value == tenantId)
        {
            // A suspension stops a client application too, not only the grants of people.
            return await _grants.IsSuspendedAsync(principal) ? (null, "") : ("role:app", ProcessingPurposes.Normalize(declaredPurpose));
        }

        var now = _time.GetUtcNow();
        var grant = (await _grants.GetAsync(principal)).FirstOrDefault(g => g.Allows(operation, tenantId, subjectId, category, source, now));
        if (grant is not null && UseWorthRecording(grant.GrantId, now))
        {
            _ = _cluster.GetGrain<IPrincipalGrain>(principal).RecordUseAsync(grant.GrantId, now); // one-way: reviews show which grants are used
        }

        return (grant?.GrantId, ProcessingPurposes.Normalize(grant?.Request.Purpose));
    }

    /// <summary>Reviews need when a grant was last used, to the minute: tell the principal at most once a minute per grant.</summary>
    private bool UseWorthRecording(string grantId, DateTimeOffset now)
    {
        var last = _lastUseSent.GetValueOrDefault(grantId, DateTimeOffset.MinValue);
        if (now - last < TimeSpan.FromMinutes(1))
        {
            return false;
        }

        _lastUseSent[grantId] = now;
        return true;
    }

    [LoggerMessage(7003, LogLevel.Error, "{Method}: the audit trail could not record the access decision; the call was refused")]
    private static partial void LogAuditUnavailable(ILogger logger, Exception exception, string method);

    [LoggerMessage(7001, LogLevel.Information, "Access allowed: {Principal} {Method} ({Operation}) tenant {TenantId} subject {SubjectId} from {Source} by {AllowedBy}")]
    private static partial void LogAllowed(ILogger logger, string principal, string method, Operation operation, string tenantId, string subjectId, string source, string allowedBy);

    [LoggerMessage(7002, LogLevel.Warning, "Access denied: {Principal} {Method} ({Operation}) tenant {TenantId} subject {SubjectId} from {Source}")]
    private static partial void LogDenied(ILogger logger, string principal, string method, Operation operation, string tenantId, string subjectId, string source);
}
