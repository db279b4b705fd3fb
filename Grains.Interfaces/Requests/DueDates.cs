namespace Custodian.Requests;

/// <summary>
/// Art. 12(3) dates. "One month" is a calendar month from the day of receipt: the same day number in the
/// next month, or that month's last day where the day does not exist (received 31 January, due 28 February,
/// or 29 in a leap year), at the same time of day, in UTC.
/// </summary>
public static class DueDates
{
    /// <summary>The most further months an extension may add in total.</summary>
    public const int MaxExtensionMonths = 2;

    /// <summary><paramref name="months"/> calendar months after <paramref name="from"/>, in UTC, keeping the time of day.</summary>
    public static DateTimeOffset AddCalendarMonths(DateTimeOffset from, int months)
    {
        var utc = from.ToUniversalTime();
        var first = new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(months);
        var day = Math.Min(utc.Day, DateTime.DaysInMonth(first.Year, first.Month));
        return new DateTimeOffset(first.AddDays(day - 1) + utc.TimeOfDay, TimeSpan.Zero);
    }

    /// <summary>One calendar month from receipt.</summary>
    public static DateTimeOffset FirstMonth(DateTimeOffset receivedAt) => AddCalendarMonths(receivedAt, 1);

    /// <summary>The due date after <paramref name="extensionMonths"/> further months, moved by the time the clock stood still.</summary>
    public static DateTimeOffset Due(DateTimeOffset receivedAt, int extensionMonths, TimeSpan paused) =>
        AddCalendarMonths(receivedAt, 1 + extensionMonths) + paused;
}
