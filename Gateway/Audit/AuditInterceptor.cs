using Custodian.Access;
using Custodian.Audit;
using Custodian.Gateway.Access;
using Custodian.Hosting;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authorization;

namespace Custodian.Gateway.Audit;

/// <summary>
/// Audits the calls the access decider does not: an administrative call (one that declares roles, not
/// an operation on personal data) is refused when its caller is suspended, else gets its decision
/// recorded before it runs — if the trail cannot take it, the call fails UNAVAILABLE and nothing is
/// done — and its outcome after (a refusal by the domain's rules, such as the separation of duties, as
/// <c>denied</c>). A call that changes personal data (write, erase, restrict) gets its outcome recorded
/// after, when the access decider allowed it; its decision was recorded before it took effect. A call
/// turned away before any decision (bad input, a denial) records no outcome: nothing was done.
/// </summary>
public sealed partial class AuditInterceptor(
    IAuditTrail audit, AccessDecider access, AuditKeys keys, GatewayOptions options, TimeProvider time, ILogger<AuditInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var http = context.GetHttpContext();
        var endpoint = http.GetEndpoint();
        if (!context.Method.StartsWith("/custodian.", StringComparison.Ordinal) || endpoint is null)
        {
            return await continuation(request, context); // health and reflection
        }

        var operation = endpoint.Metadata.GetMetadata<PerformsAttribute>()?.Operation;
        if (operation is Operation.Read or Operation.Export)
        {
            return await continuation(request, context); // recorded by the access decision alone
        }

        var actor = http.User.FindFirst(CustodianClaims.Subject)?.Value ?? "unknown";
        var source = SourceAddress.Of(http, options).ToString();
        var action = operation is { } performed ? $"{performed}:{context.Method}" : $"Admin:{context.Method}";
        var target = AuditTarget.Of(request as IMessage, keys) ?? "-";
        var role = operation is null ? "role:" + RoleUsed(http, endpoint) : "";
        AccessDecision? Decision() => http.Items[AccessDecision.ItemKey] as AccessDecision;
        string AllowedBy() => operation is null ? role : Decision()?.AllowedBy ?? "";
        if (operation is null)
        {
            await access.RefuseIfSuspendedAsync(context, action, target);
            await RecordOrRefuseAsync(new AuditRecord(time.GetUtcNow(), actor, action, target, "allowed", source, role), context.Method);
        }

        try
        {
            var response = await continuation(request, context);
            await RecordOutcomeAsync(new AuditRecord(time.GetUtcNow(), actor, action, AuditTarget.Of(response as IMessage, keys) ?? target, "done", source, AllowedBy()), context.Method);
            return response;
        }
        catch (RpcException e) when ((e.StatusCode != StatusCode.Unavailable || operation is null) && (operation is null || Decision() is not null))
        {
            // A refusal by the domain's own rules (separation of duties, say) is a denial, not a failure.
            var outcome = e.StatusCode == StatusCode.PermissionDenied ? "denied" : "failed:" + e.StatusCode;
            await RecordOutcomeAsync(new AuditRecord(time.GetUtcNow(), actor, action, target, outcome, source, AllowedBy()), context.Method);
            throw;
        }
        catch (Exception e) when (e is not RpcException && (operation is null || Decision() is not null))
        {
            await RecordOutcomeAsync(new AuditRecord(time.GetUtcNow(), actor, action, target, "failed:error", source, AllowedBy()), context.Method);
            throw;
        }
    }

    /// <summary>The first of the endpoint's required roles the caller holds.</summary>
    private static string RoleUsed(HttpContext http, Endpoint endpoint) =>
        endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .SelectMany(a => (a.Roles ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(http.User.IsInRole) ?? "authenticated";

    private async Task RecordOrRefuseAsync(AuditRecord record, string method)
    {
        try
        {
            await audit.WriteAsync(record);
        }
        catch (Exception e)
        {
            LogDecisionUnrecorded(logger, e, method);
            throw AuditUnavailable.Exception(e);
        }
    }

    /// <summary>
    /// The outcome follows a decision already in the trail; if it cannot be stored the caller still
    /// gets the real result (the change, if any, is done and its decision recorded), and the gap is logged.
    /// </summary>
    private async Task RecordOutcomeAsync(AuditRecord record, string method)
    {
        try
        {
            await audit.WriteAsync(record);
        }
        catch (Exception e)
        {
            LogOutcomeUnrecorded(logger, e, method, record.Outcome);
        }
    }

    [LoggerMessage(7101, LogLevel.Error, "{Method}: the audit trail could not record the decision; the call was refused")]
    private static partial void LogDecisionUnrecorded(ILogger logger, Exception exception, string method);

    [LoggerMessage(7102, LogLevel.Error, "{Method}: the audit trail could not record the outcome {Outcome}; its decision is recorded")]
    private static partial void LogOutcomeUnrecorded(ILogger logger, Exception exception, string method, string outcome);
}
