using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Custodian.Mail;

/// <summary>
/// An outbox that delivers e-mail at least once. A mail is stored (encrypted, on the <c>secure</c>
/// storage) before anything is sent; a grain timer then hands pending mails to the relay one at a time,
/// retrying with exponential backoff, and a reminder wakes the outbox while anything is pending, so a
/// lost silo loses nothing. The outcome is stored after the relay answers: a crash in between resends
/// the mail under the same Message-ID, which is why message ids are stable.
/// </summary>
public sealed class MailOutboxGrain(
    [PersistentState("outbox", "secure")] IPersistentState<MailOutboxState> state,
    IMailSender sender,
    IOptions<MailDeliveryOptions> options,
    ILogger<MailOutboxGrain> logger,
    TimeProvider timeProvider) : Grain, IMailOutboxGrain, IRemindable
{
    private const string ReminderName = "mail-delivery";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private readonly MailDeliveryOptions _options = options.Value;
    private IGrainTimer? _pump;
    private bool? _reminderRegistered;
    private DateTimeOffset _holdUntil = DateTimeOffset.MinValue;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pump = this.RegisterGrainTimer(DeliverNextAsync, new GrainTimerCreationOptions
        {
            DueTime = Timeout.InfiniteTimeSpan,
            Period = Timeout.InfiniteTimeSpan,
            KeepAlive = true,
        });
        Schedule();
        return Task.CompletedTask;
    }

    public async Task<MailEnqueueResult> EnqueueAsync(OutgoingMail mail)
    {
        var violations = mail.Validate();
        if (violations.Count > 0)
        {
            return MailEnqueueResult.Invalid(violations);
        }

        var hash = mail.ContentHash();
        if (state.State.Entries.TryGetValue(mail.MessageId, out var existing))
        {
            return existing.ContentHash == hash ? MailEnqueueResult.AlreadyQueued(existing.Delivery) : MailEnqueueResult.Conflict(existing.Delivery);
        }

        // The reminder first: one without a pending mail removes itself, a pending mail without one could wait forever.
        await EnsureReminderAsync();
        var now = timeProvider.GetUtcNow();
        var delivery = new MailDelivery(mail.MessageId, mail.Reference, MailDeliveryState.Pending, now, 0, now, null, null, null);
        var previous = state.State.Entries;
        state.State.Entries = previous.Add(mail.MessageId, new OutboxEntry(delivery, hash, mail));
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Nothing half-written stays in memory: the outbox keeps what storage holds.
            state.State.Entries = previous;
            throw;
        }

        MailLog.Queued(logger, this.GetPrimaryKeyString(), mail.MessageId, mail.To.Length);
        Schedule();
        return MailEnqueueResult.Queued(delivery);
    }

    public Task<MailDelivery?> GetAsync(string messageId) =>
        Task.FromResult(messageId is not null && state.State.Entries.TryGetValue(messageId, out var entry) ? entry.Delivery : null);

    public Task<ImmutableArray<MailDelivery>> ListAsync() =>
        Task.FromResult<ImmutableArray<MailDelivery>>([.. state.State.Entries.Values
            .Select(e => e.Delivery)
            .OrderBy(d => d.EnqueuedAt)
            .ThenBy(d => d.MessageId, StringComparer.Ordinal)]);

    /// <summary>After the tenant moved here: the activation has scheduled the pump; the reminder keeps it alive.</summary>
    public async Task RearmAsync()
    {
        _reminderRegistered = null;
        if (NextPending() is not null)
        {
            await EnsureReminderAsync();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        this.RecordReminderLag(reminderName, status, timeProvider);
        if (!await this.WritesHereAsync())
        {
            return;
        }

        // The activation already scheduled the pump; the tick only has to remove a reminder nothing needs.
        if (NextPending() is null)
        {
            await RemoveReminderAsync();
        }
        else
        {
            Schedule();
        }
    }

    /// <summary>The pump: delivers the pending mail due first (if one is due), stores the outcome, and schedules the next run.</summary>
    private async Task DeliverNextAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = timeProvider.GetUtcNow();
            // A region that no longer writes the tenant sends nothing: the writer's outbox holds the same mail.
            if (now >= _holdUntil && NextPending() is { Mail: { } mail } entry && entry.Delivery.NextAttemptAt <= now && await this.WritesHereAsync())
            {
                MailSendResult result;
                try
                {
                    result = await sender.SendAsync(mail, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A sender reports failures as results; an exception here is a bug, but it must not stop the outbox.
                    result = MailSendResult.Deferred("sender failed: " + e.GetType().Name);
                }

                await RecordAsync(entry, result);
            }

            if (NextPending() is null)
            {
                await RemoveReminderAsync();
            }
        }
        finally
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                Schedule();
            }
        }
    }

    /// <summary>Stores one attempt's outcome; if storage fails, the mail stays pending (and may be sent again under the same id).</summary>
    private async Task RecordAsync(OutboxEntry entry, MailSendResult result)
    {
        var outbox = this.GetPrimaryKeyString();
        var id = entry.Delivery.MessageId;
        var attempt = entry.Delivery.Attempts + 1;
        var now = timeProvider.GetUtcNow();
        var delay = _options.DelayAfter(attempt);
        var updated = result.Outcome switch
        {
            MailSendOutcome.Accepted => entry with
            {
                Mail = null,
                Delivery = entry.Delivery with { State = MailDeliveryState.Delivered, Attempts = attempt, NextAttemptAt = null, DeliveredAt = now, RelayAnswer = result.Answer },
            },
            MailSendOutcome.Rejected => entry with
            {
                Mail = null,
                Delivery = entry.Delivery with { State = MailDeliveryState.Rejected, Attempts = attempt, NextAttemptAt = null, LastFailure = result.Answer },
            },
            _ => entry with
            {
                Delivery = entry.Delivery with { Attempts = attempt, NextAttemptAt = now + delay, LastFailure = result.Answer },
            },
        };

        var previous = state.State.Entries;
        state.State.Entries = previous.SetItem(id, updated);
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            state.State.Entries = previous;
            _holdUntil = now + _options.InitialRetryDelay;
            MailLog.OutcomeNotStored(logger, e, outbox, id);
            return;
        }

        switch (result.Outcome)
        {
            case MailSendOutcome.Accepted:
                MailLog.Delivered(logger, outbox, id, attempt);
                break;
            case MailSendOutcome.Rejected:
                MailLog.Rejected(logger, outbox, id, attempt, result.Answer);
                break;
            default:
                MailLog.Deferred(logger, outbox, id, attempt, result.Answer, delay);
                break;
        }
    }

    /// <summary>Sets the pump to run when the next pending mail is due; stops it when nothing is pending.</summary>
    private void Schedule()
    {
        if (_pump is null)
        {
            return;
        }

        if (NextPending() is not { } next)
        {
            _pump.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var at = next.Delivery.NextAttemptAt ?? DateTimeOffset.MinValue;
        var due = (at > _holdUntil ? at : _holdUntil) - timeProvider.GetUtcNow();
        _pump.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private OutboxEntry? NextPending() =>
        state.State.Entries.Values
            .Where(e => e.Delivery.State == MailDeliveryState.Pending)
            .MinBy(e => e.Delivery.NextAttemptAt);

    private async Task EnsureReminderAsync()
    {
        if (_reminderRegistered != true)
        {
            await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
            _reminderRegistered = true;
        }
    }

    private async Task RemoveReminderAsync()
    {
        if (_reminderRegistered == false)
        {
            return;
        }

        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
            MailLog.Drained(logger, this.GetPrimaryKeyString());
        }

        _reminderRegistered = false;
    }
}
