using Custodian.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Custodian.Keys;

/// <summary>
/// Key management of one region. A rotation adds a KEK version, then a job rewraps every data key
/// to it page by page, saving its place after each page. A reminder brings the job back after a
/// silo is lost; it resumes from the saved place. When a pass finds no key left on an old version,
/// the versions no key uses are retired.
/// </summary>
public sealed class KeyManagementGrain(
    [PersistentState("rotation", "secure")] IPersistentState<RotationState> state,
    IKeyCustody custody,
    IOptions<KeyRotationOptions> options,
    ILogger<KeyManagementGrain> logger,
    TimeProvider timeProvider) : Grain, IKeyManagementGrain, IRemindable
{
    private const string ReminderName = "rewrap";
    private readonly KeyRotationOptions _options = options.Value;
    private IGrainTimer? _job;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Phase == RotationPhase.Rewrapping)
        {
            StartJob();
        }

        return Task.CompletedTask;
    }

    public async Task<RotateResult> RotateAsync(string actor)
    {
        if (state.State.Phase == RotationPhase.Rewrapping)
        {
            return new RotateResult(false, Status());
        }

        var target = await custody.AddKekVersionAsync();
        var counts = await custody.CountDataKeysByKekAsync();
        state.State = new RotationState
        {
            Phase = RotationPhase.Rewrapping,
            TargetKekId = target,
            Remaining = counts.Where(c => c.Key != target).Sum(c => c.Value),
            Passes = 1,
            StartedAt = timeProvider.GetUtcNow(),
            StartedBy = actor,
        };
        await state.WriteStateAsync();
        await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
        KeyLog.RotationStarted(logger, this.GetPrimaryKeyString(), target, state.State.Remaining, actor);
        StartJob();
        return new RotateResult(true, Status());
    }

    public Task<RotationStatus> GetRotationStatusAsync() => Task.FromResult(Status());

    public Task<ShredReceipt?> GetShredReceiptAsync(string receiptId) => custody.GetShredReceiptAsync(receiptId);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        this.RecordReminderLag(reminderName, status, timeProvider);
        if (state.State.Phase == RotationPhase.Rewrapping)
        {
            StartJob();
        }
        else if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void StartJob() => _job ??= this.RegisterGrainTimer(RunJobAsync, new GrainTimerCreationOptions
    {
        DueTime = TimeSpan.Zero,
        Period = Timeout.InfiniteTimeSpan,
        Interleave = true, // progress can be read while the job runs
        KeepAlive = true,
    });

    private async Task RunJobAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (state.State.Phase == RotationPhase.Rewrapping && !cancellationToken.IsCancellationRequested)
            {
                await RewrapNextPageAsync();
                if (_options.PagePause > TimeSpan.Zero)
                {
                    await Task.Delay(_options.PagePause, timeProvider, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The activation is going away; the reminder resumes the job from the saved page.
        }
        finally
        {
            _job?.Dispose();
            _job = null;
        }
    }

    private async Task RewrapNextPageAsync()
    {
        var rotation = state.State;
        var target = rotation.TargetKekId!;
        var (rewrapped, continuation) = await custody.RewrapPageAsync(target, rotation.Continuation, _options.PageSize);
        rotation.Done += rewrapped;
        rotation.Remaining = Math.Max(0, rotation.Remaining - rewrapped);
        rotation.Continuation = continuation;
        if (continuation is null)
        {
            var counts = await custody.CountDataKeysByKekAsync();
            var left = counts.Where(c => c.Key != target).Sum(c => c.Value);
            if (left > 0)
            {
                rotation.Passes++;
                rotation.Remaining = left;
            }
            else
            {
                await FinishAsync(target, counts);
                return;
            }
        }

        await state.WriteStateAsync();
        KeyLog.RewrapProgress(logger, this.GetPrimaryKeyString(), rotation.Done, rotation.Remaining, rotation.Passes);
    }

    private async Task FinishAsync(string target, IReadOnlyDictionary<string, long> counts)
    {
        var retired = new List<string>();
        foreach (var kek in custody.KekIds.Where(k => k != target && counts.GetValueOrDefault(k) == 0))
        {
            await custody.RetireKekVersionAsync(kek);
            retired.Add(kek);
        }

        var rotation = state.State;
        rotation.Phase = RotationPhase.Completed;
        rotation.Remaining = 0;
        rotation.CompletedAt = timeProvider.GetUtcNow();
        rotation.Retired = [.. retired];
        await state.WriteStateAsync();
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        KeyLog.RotationCompleted(logger, this.GetPrimaryKeyString(), target, rotation.Done, rotation.Passes, string.Join(", ", retired));
    }

    private RotationStatus Status()
    {
        var rotation = state.State;
        return new RotationStatus(
            rotation.Phase,
            custody.CurrentKekId,
            rotation.TargetKekId,
            rotation.Done,
            rotation.Remaining,
            rotation.Passes,
            rotation.StartedAt,
            rotation.CompletedAt,
            rotation.StartedBy,
            rotation.Retired,
            [.. custody.KekIds]);
    }
}
