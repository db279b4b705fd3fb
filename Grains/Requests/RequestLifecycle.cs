using System.Collections.Immutable;
using System.Globalization;
using Custodian.Validation;

namespace Custodian.Requests;

/// <summary>
/// The rules of a request's life, as pure functions of the request and the time: filing, every transition
/// (each illegal one refused with a reason, the request unchanged), and which deadline points are due.
/// </summary>
public static class RequestLifecycle
{
    /// <summary>A new request, or the fields that make the filing (or the key) invalid.</summary>
    public static RequestResult File(string tenantId, string requestId, RequestFiling filing, DateTimeOffset now)
    {
        var violations = new List<FieldViolation>();
        SubjectRequest.CheckRef(tenantId, requestId, violations);
        violations.AddRange(filing.Validate(now));
        if (violations.Count > 0)
        {
            return RequestResult.Invalid(violations);
        }

        var received = (filing.ReceivedAt ?? now).ToUniversalTime();
        var due = DueDates.FirstMonth(received);
        return RequestResult.Ok(new SubjectRequest(
            tenantId, filing.SubjectId, requestId, filing.Kind, filing.Channel, received, filing.EnteredBy,
            IdentityCheck.Pending, RequestStatus.Open, due, due, null, [], null, null, [], false, null,
            [new RequestTransition("filed", filing.EnteredBy, now, $"kind={filing.Kind} channel={filing.Channel} received={received:O}")]));
    }

    /// <summary>Records the identity check: pending or failed may become verified; pending may become failed.</summary>
    public static RequestResult CheckIdentity(SubjectRequest request, bool verified, string actor, DateTimeOffset now)
    {
        if (request.Status == RequestStatus.Closed)
        {
            return Closed(request);
        }

        var to = verified ? IdentityCheck.Verified : IdentityCheck.Failed;
        if (request.Identity == IdentityCheck.Verified || request.Identity == to)
        {
            return RequestResult.Refused($"The identity check is already {Describe(request.Identity)}; it cannot become {Describe(to)}.");
        }

        return RequestResult.Ok(Record(request with { Identity = to }, verified ? "identity verified" : "identity failed", actor, now, ""));
    }

    /// <summary>Stops the clock while waiting for the subject; only an open request whose due date has not passed.</summary>
    public static RequestResult Pause(SubjectRequest request, string actor, DateTimeOffset now)
    {
        if (request.Status != RequestStatus.Open)
        {
            return RequestResult.Refused($"Only an open request can be paused; this one is {Describe(request.Status)}.");
        }

        if (now >= request.DueAt)
        {
            return RequestResult.Refused("The due date has passed; a clock that has run out cannot be stopped.");
        }

        return RequestResult.Ok(Record(
            request with { Status = RequestStatus.Paused, Pauses = request.Pauses.Add(new RequestPause(now, null)) }, "paused", actor, now, ""));
    }

    /// <summary>Starts the clock again; the due dates move by exactly the time it stood still.</summary>
    public static RequestResult Resume(SubjectRequest request, string actor, DateTimeOffset now)
    {
        if (request.CurrentPause is not { } pause)
        {
            return RequestResult.Refused($"Only a paused request can be resumed; this one is {Describe(request.Status)}.");
        }

        var paused = now - pause.From;
        return RequestResult.Ok(Record(
            request with
            {
                Status = RequestStatus.Open,
                Pauses = request.Pauses.SetItem(request.Pauses.Length - 1, pause with { Until = now }),
                FirstMonthDueAt = request.FirstMonthDueAt + paused,
                DueAt = request.DueAt + paused,
            },
            "resumed", actor, now, "paused " + paused.ToString("c", CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// Extends by <paramref name="months"/> further calendar months from receipt (two in total at most), with
    /// reasons the subject is told now; only while the first month runs (as moved by pauses).
    /// </summary>
    public static RequestResult Extend(SubjectRequest request, int months, string reasons, string actor, DateTimeOffset now)
    {
        if (RequestExtension.Check(months, reasons) is { Count: > 0 } violations)
        {
            return RequestResult.Invalid(violations);
        }

        if (request.Status == RequestStatus.Closed)
        {
            return Closed(request);
        }

        var firstMonthEnds = request.FirstMonthDueAt + (request.CurrentPause is { } pause ? now - pause.From : TimeSpan.Zero);
        if (now >= firstMonthEnds)
        {
            return RequestResult.Refused("The first month has ended; an extension is possible only while it runs (Art. 12(3)).");
        }

        var total = (request.Extension?.Months ?? 0) + months;
        if (total > DueDates.MaxExtensionMonths)
        {
            return RequestResult.Refused(
                $"The request is already extended by {request.Extension!.Months} month(s); extensions add up to {DueDates.MaxExtensionMonths} further months at most.");
        }

        var paused = request.FirstMonthDueAt - DueDates.FirstMonth(request.ReceivedAt);
        var extension = new RequestExtension(total, request.Extension is null ? reasons : request.Extension.Reasons + "\n" + reasons, now);
        return RequestResult.Ok(Record(
            request with { Extension = extension, DueAt = DueDates.Due(request.ReceivedAt, total, paused) },
            "extended", actor, now, $"months={months} total={total}"));
    }

    /// <summary>Closes the request; a fulfilment needs a verified identity, a refusal its ground and the subject told of the remedies.</summary>
    public static RequestResult Close(SubjectRequest request, RequestClosing closing, string actor, DateTimeOffset now)
    {
        if (closing.Validate() is { Count: > 0 } violations)
        {
            return RequestResult.Invalid(violations);
        }

        if (request.Status == RequestStatus.Closed)
        {
            return Closed(request);
        }

        if (closing.Outcome != OutcomeKind.Refused && request.Identity != IdentityCheck.Verified)
        {
            return RequestResult.Refused($"A request is fulfilled only for a verified requester; the identity check is {Describe(request.Identity)}.");
        }

        var pauses = request.CurrentPause is { } pause ? request.Pauses.SetItem(request.Pauses.Length - 1, pause with { Until = now }) : request.Pauses;
        var outcome = new RequestOutcome(closing.Outcome, closing.NeedsReason ? closing.Reason : null, closing.Ground, closing.Outcome == OutcomeKind.Refused && closing.SubjectToldOfRemedies);
        return RequestResult.Ok(Record(
            request with { Status = RequestStatus.Closed, Outcome = outcome, ClosedAt = now, Pauses = pauses },
            "closed", actor, now, $"outcome={closing.Outcome} ground={closing.Ground}"));
    }

    /// <summary>
    /// The warnings and overdue flag due at <paramref name="now"/> that the request does not have yet, each once
    /// (warnings per due date: a moved due date has warnings of its own). An open request only.
    /// </summary>
    public static (SubjectRequest Request, ImmutableArray<DeadlineWarning> Warned, bool WentOverdue) Tick(
        SubjectRequest request, IReadOnlyList<TimeSpan> warnBefore, string actor, DateTimeOffset now)
    {
        if (request.Status != RequestStatus.Open)
        {
            return (request, [], false);
        }

        var warned = warnBefore
            .Where(w => now >= request.DueAt - w && !request.Warnings.Any(x => x.Before == w && x.DueAt == request.DueAt))
            .Select(w => new DeadlineWarning(w, request.DueAt, now))
            .ToImmutableArray();
        var next = request;
        foreach (var warning in warned)
        {
            next = Record(next with { Warnings = next.Warnings.Add(warning) }, "warned", actor, now,
                $"{warning.Before.ToString("c", CultureInfo.InvariantCulture)} before {warning.DueAt:O}");
        }

        var wentOverdue = !request.Overdue && now >= request.DueAt;
        if (wentOverdue)
        {
            next = Record(next with { Overdue = true, OverdueAt = now }, "overdue", actor, now, $"due {request.DueAt:O}");
        }

        return (next, warned, wentOverdue);
    }

    /// <summary>The next time a warning or the overdue flag falls due after <paramref name="now"/>; null when nothing will (closed, paused, overdue).</summary>
    public static DateTimeOffset? NextDeadline(SubjectRequest request, IReadOnlyList<TimeSpan> warnBefore, DateTimeOffset now)
    {
        if (request.Status != RequestStatus.Open || request.Overdue)
        {
            return null;
        }

        var points = warnBefore
            .Where(w => !request.Warnings.Any(x => x.Before == w && x.DueAt == request.DueAt))
            .Select(w => request.DueAt - w)
            .Append(request.DueAt);
        return points.Min() is var first && first > now ? first : now;
    }

    private static RequestResult Closed(SubjectRequest request) =>
        RequestResult.Refused($"The request was closed ({Describe(request.Outcome!.Kind)}); a closed request does not change.");

    private static SubjectRequest Record(SubjectRequest request, string action, string actor, DateTimeOffset now, string detail) =>
        request with { History = request.History.Add(new RequestTransition(action, actor, now, detail)) };

    private static string Describe<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
