using System.Diagnostics.Metrics;

namespace Custodian;

/// <summary>
/// The histogram <c>custodian.reminders.lag</c> (meter <c>Custodian.Reminders</c>): seconds from the
/// reminder service's tick to the grain's <c>ReceiveReminder</c>, tagged with the grain type and the
/// reminder name. A growing lag means ticks wait for activations or behind other calls; how late ticks
/// fire against their schedule is Orleans' own <c>orleans-reminders-tardiness</c>.
/// </summary>
public static class ReminderLag
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Custodian.Reminders";

    /// <summary>The histogram's name.</summary>
    public const string InstrumentName = "custodian.reminders.lag";

    private static readonly Meter _meter = new(MeterName);

    private static readonly Histogram<double> _lag = _meter.CreateHistogram(
        InstrumentName,
        unit: "s",
        description: "Delay from a reminder tick to the grain receiving it",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    /// <summary>Records how long the tick in <paramref name="status"/> took to reach <paramref name="grain"/>, by its clock.</summary>
    public static void RecordReminderLag(this IRemindable grain, string reminderName, TickStatus status, TimeProvider timeProvider)
    {
        var tick = new DateTimeOffset(DateTime.SpecifyKind(status.CurrentTickTime, DateTimeKind.Utc));
        var lag = timeProvider.GetUtcNow() - tick;
        _lag.Record(
            Math.Max(0, lag.TotalSeconds),
            new KeyValuePair<string, object?>("grain", grain.GetType().Name),
            new KeyValuePair<string, object?>("reminder", reminderName));
    }
}
