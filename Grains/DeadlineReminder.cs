namespace Custodian;

/// <summary>
/// The one reminder a deadline-driven grain (a request, an incident) keeps: it wakes the grain at the
/// next point its lifecycle names, at most <see cref="MaxWait"/> ahead (a longer wait is a tick that finds
/// nothing due and waits again), with a one-minute period as the fallback; none once nothing will come.
/// </summary>
public static class DeadlineReminder
{
    /// <summary>The reminder's name.</summary>
    public const string Name = "deadline";

    /// <summary>The longest a reminder waits at once.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromDays(7);

    /// <summary>Sets the reminder to <paramref name="next"/>, or removes it when it is null.</summary>
    public static async Task ScheduleAsync(IGrainBase grain, DateTimeOffset? next, DateTimeOffset now)
    {
        if (next is not { } at)
        {
            await UnscheduleAsync(grain);
            return;
        }

        var wait = at - now;
        await grain.RegisterOrUpdateReminder(Name, wait < TimeSpan.Zero ? TimeSpan.Zero : wait < MaxWait ? wait : MaxWait, TimeSpan.FromMinutes(1));
    }

    /// <summary>Removes the reminder if there is one.</summary>
    public static async Task UnscheduleAsync(IGrainBase grain)
    {
        if (await grain.GetReminder(Name) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }
}
