using Custodian.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Custodian.Access;

/// <summary>
/// Access reviews. A reminder opens one every review period listing each grant in force with when it
/// was last used; officers confirm or revoke each; at the deadline a second reminder suspends every
/// grant nobody decided.
/// </summary>
public sealed class AccessReviewGrain(
    [PersistentState("review", "secure")] IPersistentState<AccessReviewState> state,
    IOptions<AccessPolicy> policy,
    ILogger<AccessReviewGrain> logger,
    TimeProvider timeProvider) : Grain, IAccessReviewGrain, IRemindable
{
    private const string OpenReminder = "open";
    private const string DeadlineReminder = "deadline";

    public async Task EnsureScheduledAsync()
    {
        if (await this.GetReminder(OpenReminder) is null)
        {
            await this.RegisterOrUpdateReminder(OpenReminder, policy.Value.ReviewPeriod, policy.Value.ReviewPeriod);
        }
    }

    public async Task<AccessReview> OpenAsync(string actor)
    {
        if (state.State.Review is { Closed: false } open)
        {
            return open;
        }

        var now = timeProvider.GetUtcNow();
        var items = new List<ReviewItem>();
        var events = await GrainFactory.GetGrain<IGrantLogGrain>(IGrantLogGrain.Key).QueryAsync(null, null, null, null);
        foreach (var grantId in events.Select(e => e.GrantId).Distinct())
        {
            var grant = await GrainFactory.GetGrain<IAccessGrantGrain>(grantId).GetAsync();
            if (grant is { Status: GrantStatus.Active or GrantStatus.AwaitingApproval } && grant.Request.ValidUntil > now)
            {
                var uses = await GrainFactory.GetGrain<IPrincipalGrain>(grant.Request.Principal).GetLastUsesAsync();
                items.Add(new ReviewItem(grantId, grant.Request.Principal, grant.Request.Scope.TenantId, grant.Request.ValidUntil,
                    uses.TryGetValue(grantId, out var used) ? used : null, ReviewDecision.Pending, null, null));
            }
        }

        var review = new AccessReview($"review-{now:yyyyMMddHHmmss}", now, now + policy.Value.ReviewDeadline, actor, [.. items], items.Count == 0);
        state.State.Review = review;
        await state.WriteStateAsync();
        if (!review.Closed)
        {
            await this.RegisterOrUpdateReminder(DeadlineReminder, policy.Value.ReviewDeadline, TimeSpan.FromHours(1));
        }

        ReviewLog.Opened(logger, review.ReviewId, items.Count, actor);
        return review;
    }

    public Task<AccessReview?> GetAsync() => Task.FromResult(state.State.Review);

    public async Task<ReviewResult> DecideAsync(string grantId, bool confirm, string officer, string reason)
    {
        var violations = new List<FieldViolation>();
        Identifiers.CheckGrantId(grantId, "grant_id", violations);
        OfficerReason.Check(reason, "reason", violations);
        if (violations.Count > 0)
        {
            return ReviewResult.Invalid(violations);
        }

        if (state.State.Review is not { Closed: false } review)
        {
            return ReviewResult.Refused("No access review is open.");
        }

        var item = review.Items.FirstOrDefault(i => i.GrantId == grantId);
        if (item is null)
        {
            return ReviewResult.Refused("The open review does not list this grant.");
        }

        if (item.Decision != ReviewDecision.Pending)
        {
            return ReviewResult.Refused($"This grant was already {item.Decision.ToString().ToLowerInvariant()} in this review.");
        }

        // The grant's log keeps the reason with a prefix: when that makes it too long, nothing is revoked or recorded.
        if (!confirm && await GrainFactory.GetGrain<IAccessGrantGrain>(grantId).RevokeAsync(officer, "access review: " + reason) is { Violations.IsDefaultOrEmpty: false } revoke)
        {
            return ReviewResult.Invalid(revoke.Violations);
        }

        var decided = item with { Decision = confirm ? ReviewDecision.Confirmed : ReviewDecision.Revoked, DecidedBy = officer, Reason = reason };
        review = review with { Items = review.Items.Replace(item, decided) };
        state.State.Review = review with { Closed = review.Items.All(i => i.Decision != ReviewDecision.Pending) };
        await state.WriteStateAsync();
        return ReviewResult.Ok(state.State.Review);
    }

    /// <summary>After the provider moved here: the review period's reminder, and the open review's deadline.</summary>
    public async Task RearmAsync()
    {
        var now = timeProvider.GetUtcNow();
        static TimeSpan Until(DateTimeOffset at, DateTimeOffset now) => at > now ? at - now : TimeSpan.Zero;
        var nextOpening = state.State.Review is { } last ? Until(last.OpenedAt + policy.Value.ReviewPeriod, now) : policy.Value.ReviewPeriod;
        await this.RegisterOrUpdateReminder(OpenReminder, nextOpening, policy.Value.ReviewPeriod);
        if (state.State.Review is { Closed: false } review)
        {
            await this.RegisterOrUpdateReminder(DeadlineReminder, Until(review.Deadline, now), TimeSpan.FromHours(1));
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        this.RecordReminderLag(reminderName, status, timeProvider);
        if (!await this.WritesHereAsync())
        {
            return;
        }

        if (reminderName == OpenReminder)
        {
            await OpenAsync("schedule");
            return;
        }

        if (state.State.Review is { Closed: false } review && timeProvider.GetUtcNow() >= review.Deadline)
        {
            var items = review.Items;
            for (var i = 0; i < items.Length; i++)
            {
                if (items[i].Decision == ReviewDecision.Pending)
                {
                    await GrainFactory.GetGrain<IAccessGrantGrain>(items[i].GrantId).SuspendAsync("access review", $"{review.ReviewId}: not reviewed by the deadline");
                    items = items.SetItem(i, items[i] with { Decision = ReviewDecision.Suspended, DecidedBy = "system", Reason = "not reviewed by the deadline" });
                }
            }

            state.State.Review = review with { Items = items, Closed = true };
            await state.WriteStateAsync();
            ReviewLog.Closed(logger, review.ReviewId, items.Count(i => i.Decision == ReviewDecision.Suspended));
        }

        if (state.State.Review is not { Closed: false } && await this.GetReminder(DeadlineReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
