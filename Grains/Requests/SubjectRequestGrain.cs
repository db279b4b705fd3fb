using System.Collections.Immutable;
using System.Globalization;
using Custodian.Audit;
using Custodian.Idempotency;
using Custodian.Subjects;
using Custodian.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Custodian.Requests;

/// <summary>
/// One data-subject request. Transitions follow <see cref="RequestLifecycle"/>; a refused one changes nothing,
/// and a failed write leaves the request as it was. The tenant's register is told of every change. A reminder
/// wakes the grain at the next warning point or the due date; each tick recomputes what is due from the stored
/// times, so a duplicate or lost tick never repeats or skips a warning. Warnings and the overdue flag go to the
/// audit trail (target: the request id, never the subject) before they are stored.
/// </summary>
public sealed class SubjectRequestGrain(
    [PersistentState("request", "secure")] IPersistentState<SubjectRequestState> state,
    IOptions<RequestsOptions> options,
    IAuditTrail trail,
    ILogger<SubjectRequestGrain> logger,
    [FromKeyedServices(RequestsOptions.ClockKey)] TimeProvider timeProvider) : Grain, ISubjectRequestGrain, IRemindable
{
    /// <summary>The actor that deadline warnings and overdue flags are recorded as.</summary>
    public const string Actor = "custodian:requests";

    public Task<RequestResult> FileAsync(RequestFiling filing) => FileAsync(filing, idempotencyKey: null);

    public async Task<RequestResult> FileAsync(RequestFiling filing, string? idempotencyKey)
    {
        var violations = new List<FieldViolation>();
        IdempotencyKeys.Check(idempotencyKey, violations);
        if (violations.Count > 0)
        {
            return RequestResult.Invalid(violations);
        }

        var fingerprint = idempotencyKey is null ? null : RecentWrites.Fingerprint(
            "FileRequest", filing.SubjectId, filing.Kind.ToString(), filing.Channel.ToString(), filing.EnteredBy, filing.ReceivedAt?.ToString("O", CultureInfo.InvariantCulture));
        if (state.State.Request is { } filed)
        {
            if (idempotencyKey is null || state.State.FiledUnder is not { } earlier || earlier.Key != idempotencyKey)
            {
                return RequestResult.Refused("A request with this id was already filed.");
            }

            return earlier.Fingerprint == fingerprint
                ? RequestResult.Ok(filed)
                : RequestResult.Refused("The idempotency-key was already used for a different request; use a fresh key for each write.");
        }

        var (tenantId, requestId) = Key();
        var now = timeProvider.GetUtcNow();
        var result = RequestLifecycle.File(tenantId, requestId, filing, now);
        state.State.FiledUnder = result.Request is not null && idempotencyKey is not null ? new KeyedWrite(idempotencyKey, fingerprint!, now) : null;
        try
        {
            return await ApplyAsync(result, filing.EnteredBy);
        }
        finally
        {
            if (state.State.Request is null)
            {
                state.State.FiledUnder = null; // not filed: the key was not stored either
            }
        }
    }

    public Task<SubjectRequest?> GetAsync() => Task.FromResult(state.State.Request);

    public Task<RequestResult> CheckIdentityAsync(bool verified, string actor) =>
        TransitionAsync(r => RequestLifecycle.CheckIdentity(r, verified, actor, timeProvider.GetUtcNow()), actor);

    public Task<RequestResult> PauseAsync(string actor) =>
        TransitionAsync(r => RequestLifecycle.Pause(r, actor, timeProvider.GetUtcNow()), actor);

    public Task<RequestResult> ResumeAsync(string actor) =>
        TransitionAsync(r => RequestLifecycle.Resume(r, actor, timeProvider.GetUtcNow()), actor);

    public Task<RequestResult> ExtendAsync(int months, string reasons, string actor) =>
        TransitionAsync(r => RequestLifecycle.Extend(r, months, reasons, actor, timeProvider.GetUtcNow()), actor);

    public async Task<RequestResult> CloseAsync(RequestClosing closing, string actor)
    {
        // A request of a kind Custodian carries out is fulfilled only when the subject's state shows it.
        if (closing.Outcome == OutcomeKind.Fulfilled && state.State.Request is { } request && await UnfulfilledAsync(request) is { } refusal)
        {
            return RequestResult.Refused(refusal);
        }

        return await TransitionAsync(r => RequestLifecycle.Close(r, closing, actor, timeProvider.GetUtcNow()), actor);
    }

    public async Task<SubjectRequest?> CheckDeadlinesAsync()
    {
        if (state.State.Request is not { } request)
        {
            await UnscheduleAsync();
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var (next, warned, wentOverdue) = RequestLifecycle.Tick(request, options.Value.WarningPoints, Actor, now);
        if (warned.Length > 0 || wentOverdue)
        {
            // The trail first: if it cannot take the records, nothing is stored and the next tick tries again.
            var target = "request:" + request.RequestId;
            var records = warned
                .Select(w => new AuditRecord(now, Actor, "Request:Warning", target, $"warned {w.Before.ToString("c", CultureInfo.InvariantCulture)} before due {w.DueAt:O}", "-", ""))
                .ToImmutableArray();
            if (wentOverdue)
            {
                records = records.Add(new AuditRecord(now, Actor, "Request:Overdue", target, $"overdue; due {request.DueAt:O}", "-", ""));
            }

            await trail.WriteAsync(records);
            await SaveAsync(next);
            foreach (var warning in warned)
            {
                RequestLog.Warned(logger, next.TenantId, next.RequestId, warning.DueAt, warning.Before);
            }

            if (wentOverdue)
            {
                RequestLog.Overdue(logger, next.TenantId, next.RequestId, request.DueAt);
            }
        }

        await ScheduleAsync(next);
        return next;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        this.RecordReminderLag(reminderName, status, timeProvider);
        if (await this.WritesHereAsync())
        {
            await CheckDeadlinesAsync();
        }
    }

    /// <summary>After the tenant moved here: acts on what is due and registers the reminder for what comes next.</summary>
    public async Task RearmAsync() => await CheckDeadlinesAsync();

    /// <summary>Why the subject's state does not show the request carried out, or null when it does (or cannot tell).</summary>
    private async Task<string?> UnfulfilledAsync(SubjectRequest request)
    {
        if (request.Kind is not (RequestKind.Erasure or RequestKind.Restriction or RequestKind.Objection))
        {
            return null;
        }

        var rights = await GrainFactory.GetGrain<IDataSubjectGrain>(new SubjectRef(request.TenantId, request.SubjectId).GrainKey).GetRightsStateAsync();
        return request.Kind switch
        {
            RequestKind.Erasure when rights.Erasure is null => rights.Hold is null
                ? "The subject is not erased: erase it first (Subjects.Erase), then close the request as fulfilled."
                : "A legal hold keeps data of the subject: close the request as partially fulfilled, with the hold's ground as the reason.",
            RequestKind.Restriction when rights.Restriction is null && rights.Erasure is null => "Processing of the subject is not restricted: restrict it first (Subjects.Restrict).",
            RequestKind.Objection when rights.ObjectedPurposes.IsDefaultOrEmpty && rights.Erasure is null => "The subject's objection is not recorded: record it first (Subjects.Object).",
            _ => null,
        };
    }

    private async Task<RequestResult> TransitionAsync(Func<SubjectRequest, RequestResult> transition, string actor) =>
        state.State.Request is { } request ? await ApplyAsync(transition(request), actor) : RequestResult.Missing();

    private async Task<RequestResult> ApplyAsync(RequestResult result, string actor)
    {
        if (result.Request is not { } next)
        {
            return result;
        }

        await SaveAsync(next);
        await ScheduleAsync(next);
        var last = next.History[^1];
        RequestLog.Transition(logger, next.TenantId, next.RequestId, last.Action, actor, next.Status, next.DueAt);
        return result;
    }

    /// <summary>Stores the request (restoring the previous one in memory if the write fails), then tells the register.</summary>
    private async Task SaveAsync(SubjectRequest next)
    {
        var previous = state.State.Request;
        state.State.Request = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Request = previous;
            throw;
        }

        try
        {
            var register = GrainFactory.GetGrain<IRequestRegisterGrain>(next.TenantId);
            await (next.Status == RequestStatus.Closed ? register.RemoveAsync(next.RequestId) : register.UpsertAsync(RequestSummary.Of(next)));
        }
        catch (Exception e)
        {
            RequestLog.RegisterNotUpdated(logger, e, next.TenantId, next.RequestId);
        }
    }

    private Task ScheduleAsync(SubjectRequest request)
    {
        var now = timeProvider.GetUtcNow();
        return DeadlineReminder.ScheduleAsync(this, RequestLifecycle.NextDeadline(request, options.Value.WarningPoints, now), now);
    }

    private Task UnscheduleAsync() => DeadlineReminder.UnscheduleAsync(this);

    private (string TenantId, string RequestId) Key()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }
}
