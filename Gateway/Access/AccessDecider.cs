using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Net;
using Custodian.Access;
using Custodian.Audit;
using Custodian.Gateway.Audit;
using Custodian.Gateway.Routing;
using Custodian.Gateway.Services;
using Custodian.Hosting;
using Custodian.Subjects;
using Custodian.Validation;
using Grpc.Core;

namespace Custodian.Gateway.Access;

/// <summary>
/// Decides every call on personal data: deny by default. A suspended principal is refused everything.
/// A client application may act within its own tenant, and must declare the purpose of every read;
/// anyone else needs an active grant of the principal (from the <see cref="GrantCache"/>) that covers the
/// method's declared operation, the subject, the current time, the caller's source address and — when
/// the caller declares one — the purpose. Every decision, allow or deny, is recorded with the grant that
/// allowed it and the purpose; denials through <see cref="DeniedCalls"/>, so a flood of them is throttled
/// and counted rather than written one by one.
/// </summary>
public sealed partial class AccessDecider
{
    private readonly RegionRouter _router;
    private readonly GrantCache _grants;
    private readonly IAuditTrail _audit;
    private readonly DeniedCalls _denials;
    private readonly AuditKeys _auditKeys;
    private readonly TimeProvider _time;
    private readonly ILogger<AccessDecider> _logger;
    private readonly GatewayOptions _options;
    private readonly Counter<long> _decisions;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _lastUseSent = new();

    public AccessDecider(
        RegionRouter router, GrantCache grants, IAuditTrail audit, DeniedCalls denials, AuditKeys auditKeys, TimeProvider time, ILogger<AccessDecider> logger, GatewayOptions options, IMeterFactory meters)
    {
        _router = router;
        _grants = grants;
        _audit = audit;
        _denials = denials;
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
    /// Decides the call; a denial is recorded and thrown as PERMISSION_DENIED (RESOURCE_EXHAUSTED when the
    /// source is over its rate of denials). An allowed call may run while its record is being stored, but
    /// nothing may go back to the caller before <see cref="AccessDecision.RecordedAsync"/> has completed: for
    /// reads, which change nothing, the storage round trip then overlaps the read instead of adding to it.
    /// A client application must declare the purpose of a read (<paramref name="declaredPurpose"/>, a purpose
    /// identifier; INVALID_ARGUMENT without one); under a grant, the grant's purpose is the decision's, and a
    /// declared purpose must be the grant's.
    /// </summary>
    public async Task<AccessDecision> DecideAsync(ServerCallContext context, string tenantId, string? subjectId, string? category = null, string? declaredPurpose = null)
    {
        var http = context.GetHttpContext();
        var operation = http.GetEndpoint()?.Metadata.GetMetadata<PerformsAttribute>()?.Operation ?? Operation.Unspecified;
        var principal = http.User.FindFirst(CustodianClaims.Subject)?.Value ?? "";
        var source = SourceAddress.Of(http, _options);
        var (allowedBy, purpose, refusal) = await AllowedByAsync(http, operation, principal, tenantId, subjectId, category, source, declaredPurpose ?? "");

        _decisions.Add(1, new KeyValuePair<string, object?>("operation", operation.ToString()), new KeyValuePair<string, object?>("outcome", allowedBy is null ? "deny" : "allow"));

        // Fail closed: no decision takes effect, allow or deny, unless the trail holds it.
        var target = subjectId is null ? $"tenant:{tenantId}" : _auditKeys.Subject(tenantId, subjectId);
        var record = new AuditRecord(_time.GetUtcNow(), principal, $"{operation}:{context.Method}", target,
            allowedBy is null ? refusal.Outcome : "allowed", source.ToString(), allowedBy ?? "", purpose);
        if (allowedBy is null)
        {
            await DeniedAsync(record, context.Method);
            LogDenied(_logger, principal, context.Method, operation, tenantId, subjectId ?? "-", record.Outcome);
            RpcErrors.PermissionDenied(refusal.Message);
        }

        var decision = new AccessDecision(allowedBy, purpose, Recorded([record], context.Method));
        if (operation is not (Operation.Read or Operation.Export))
        {
            http.Items[AccessDecision.ItemKey] = decision; // for the outcome record that follows a change
        }

        LogAllowed(_logger, principal, context.Method, operation, tenantId, subjectId ?? "-", allowedBy);
        return decision;
    }

    /// <summary>
    /// Refuses a suspended principal's role-based (administrative) call: recorded as a denial and thrown
    /// as PERMISSION_DENIED. A suspended principal keeps no power, whatever its roles.
    /// </summary>
    public async Task RefuseIfSuspendedAsync(ServerCallContext context, string action, string target)
    {
        var http = context.GetHttpContext();
        var principal = http.User.FindFirst(CustodianClaims.Subject)?.Value ?? "";
        if (principal.Length == 0 || !(await _grants.GetAsync(principal)).Suspended)
        {
            return;
        }

        _decisions.Add(1, new KeyValuePair<string, object?>("operation", "Admin"), new KeyValuePair<string, object?>("outcome", "deny"));
        await DeniedAsync(new AuditRecord(_time.GetUtcNow(), principal, action, target, Refusal.Suspended.Outcome, SourceAddress.Of(http, _options).ToString(), ""), context.Method);
        LogDenied(_logger, principal, context.Method, Operation.Unspecified, "-", "-", Refusal.Suspended.Outcome);
        RpcErrors.PermissionDenied(Refusal.Suspended.Message);
    }

    /// <summary>Records a denial through the ledger; throttled is RESOURCE_EXHAUSTED, unrecordable UNAVAILABLE.</summary>
    private async Task DeniedAsync(AuditRecord record, string method)
    {
        DenialVerdict verdict;
        TimeSpan retryAfter;
        try
        {
            (verdict, retryAfter) = await _denials.RecordAsync(record);
        }
        catch (Exception e)
        {
            LogAuditUnavailable(_logger, e, method);
            throw AuditUnavailable.Exception(e);
        }

        if (verdict == DenialVerdict.Throttled)
        {
            throw Throttling.Exception("Too many refused calls from this address", retryAfter);
        }
    }

    /// <summary>
    /// Records what followed an allowed decision on a subject (a read refused for its purpose, the digests
    /// of a rectification) under <paramref name="action"/>; fails the call UNAVAILABLE when the trail
    /// cannot take it.
    /// </summary>
    public Task RecordAsync(ServerCallContext context, string tenantId, string subjectId, string action, string outcome, AccessDecision decision) =>
        RecordAsync(context, tenantId, subjectId, [(action, outcome)], decision);

    /// <summary>Records several such events in one write: together, in order, in one partition.</summary>
    public Task RecordAsync(ServerCallContext context, string tenantId, string subjectId, IEnumerable<(string Action, string Outcome)> events, AccessDecision decision)
    {
        var http = context.GetHttpContext();
        var (actor, at, target, source) = (http.User.FindFirst(CustodianClaims.Subject)?.Value ?? "", _time.GetUtcNow(), _auditKeys.Subject(tenantId, subjectId), SourceAddress.Of(http, _options).ToString());
        return Recorded([.. events.Select(e => new AuditRecord(at, actor, e.Action, target, e.Outcome, source, decision.AllowedBy, decision.Purpose))], context.Method);
    }

    private async Task Recorded(ImmutableArray<AuditRecord> records, string method)
    {
        try
        {
            await _audit.WriteAsync(records);
        }
        catch (Exception e)
        {
            LogAuditUnavailable(_logger, e, method);
            throw AuditUnavailable.Exception(e);
        }
    }

    private async Task<(string? AllowedBy, string Purpose, Refusal Refusal)> AllowedByAsync(
        HttpContext http, Operation operation, string principal, string tenantId, string? subjectId, string? category, IPAddress source, string declaredPurpose)
    {
        if (operation == Operation.Unspecified || principal.Length == 0)
        {
            return (null, declaredPurpose, Refusal.NoGrant); // a method that declares no operation is closed
        }

        // A suspension stops everyone: the grants of people and client applications acting by their role.
        var current = await _grants.GetAsync(principal);
        if (current.Suspended)
        {
            return (null, declaredPurpose, Refusal.Suspended);
        }

        if (http.User.IsInRole(CustodianClaims.AppRole) && http.User.FindFirst(CustodianClaims.Tenant)?.Value == tenantId)
        {
            if (operation == Operation.Read && declaredPurpose.Length == 0)
            {
                // Purpose binding (Art. 5(1)(b)): without a purpose, no objection or restriction could be checked.
                RpcErrors.InvalidArgument([new FieldViolation("purpose", "is required: a client application declares the purpose of every read (a purpose identifier, e.g. billing)")]);
            }

            return ("role:app", declaredPurpose, Refusal.NoGrant);
        }

        var now = _time.GetUtcNow();
        var grant = current.Grants.FirstOrDefault(g => g.Allows(operation, tenantId, subjectId, category, source, now)
            && (operation != Operation.Read || declaredPurpose.Length == 0 || ProcessingPurposes.Normalize(g.Request.Purpose) == declaredPurpose));
        if (grant is not null && UseWorthRecording(grant.GrantId, now))
        {
            _ = RecordUseAsync(principal, grant.GrantId, now); // one-way: reviews show which grants are used
        }

        return grant is null ? (null, declaredPurpose, Refusal.NoGrant) : (grant.GrantId, ProcessingPurposes.Normalize(grant.Request.Purpose), Refusal.NoGrant);
    }

    /// <summary>Tells the principal (in the provider's writer region) that a grant was used; a failure only delays the review's knowledge.</summary>
    private async Task RecordUseAsync(string principal, string grantId, DateTimeOffset now)
    {
        try
        {
            await _router.Provider().GetGrain<IPrincipalGrain>(principal).RecordUseAsync(grantId, now);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogUseNotRecorded(_logger, principal, e.GetType().Name);
        }
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

    [LoggerMessage(7004, LogLevel.Debug, "The use of a grant of {Principal} could not be told to its Principal grain ({Error})")]
    private static partial void LogUseNotRecorded(ILogger logger, string principal, string error);

    [LoggerMessage(7003, LogLevel.Error, "{Method}: the audit trail could not record the access decision; the call was refused")]
    private static partial void LogAuditUnavailable(ILogger logger, Exception exception, string method);

    // Source addresses are personal data: the audit trail keeps them (that is its purpose), logs do not. Every allowed
    // decision is in the trail; the log line is for debugging only (at Information, the console logger spent 3.5–3.7 µs
    // of CPU on each line, measured alone: on every call of the read path).
    [LoggerMessage(7001, LogLevel.Debug, "Access allowed: {Principal} {Method} ({Operation}) tenant {TenantId} subject {SubjectId} by {AllowedBy}")]
    private static partial void LogAllowed(ILogger logger, string principal, string method, Operation operation, string tenantId, string subjectId, string allowedBy);

    [LoggerMessage(7002, LogLevel.Warning, "Access denied: {Principal} {Method} ({Operation}) tenant {TenantId} subject {SubjectId}: {Outcome}")]
    private static partial void LogDenied(ILogger logger, string principal, string method, Operation operation, string tenantId, string subjectId, string outcome);

    /// <summary>Why a call was refused: the trail's outcome and the caller's message.</summary>
    private sealed record Refusal(string Outcome, string Message)
    {
        public static readonly Refusal NoGrant = new("denied", "No grant allows this operation on this subject, for this purpose, from this address, now.");

        public static readonly Refusal Suspended = new("denied:suspended", "This principal is suspended by a security alert and may do nothing until an officer lifts the suspension.");
    }
}
