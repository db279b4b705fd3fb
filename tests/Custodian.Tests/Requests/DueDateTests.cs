using Custodian.Requests;

namespace Custodian.Tests.Requests;

public sealed class DueDateTests
{
    [Theory]
    [InlineData("2025-01-31T10:15:00Z", "2025-02-28T10:15:00Z")]
    [InlineData("2024-01-31T10:15:00Z", "2024-02-29T10:15:00Z")]
    [InlineData("2025-03-31T23:59:59Z", "2025-04-30T23:59:59Z")]
    [InlineData("2025-03-15T08:00:00Z", "2025-04-15T08:00:00Z")]
    [InlineData("2025-12-31T12:00:00Z", "2026-01-31T12:00:00Z")]
    public void OneMonthIsTheSameDayNumberNextMonthOrThatMonthsLastDay(string received, string due)
    {
        Assert.Equal(DateTimeOffset.Parse(due), DueDates.FirstMonth(DateTimeOffset.Parse(received)));
    }

    [Fact]
    public void ReceiptInAnotherOffsetCountsInUtcAndKeepsTheTimeOfDay()
    {
        var received = new DateTimeOffset(2025, 2, 1, 0, 30, 0, TimeSpan.FromHours(2)); // 31 January 22:30 UTC

        Assert.Equal(new DateTimeOffset(2025, 2, 28, 22, 30, 0, TimeSpan.Zero), DueDates.FirstMonth(received));
    }

    // Receipts whose local calendar day is not their UTC day. The month runs from the UTC day (README, "Due date"; the
    // API carries UTC timestamps only); the comments give the answer counted from the local day, which must not come out.
    [Theory]
    [InlineData("2025-03-31T00:30:00+02:00", 0, "2025-04-30T22:30:00Z")] // UTC day 30 March; from 31 March local: 2025-04-29T22:30Z
    [InlineData("2025-01-30T20:00:00-05:00", 0, "2025-02-28T01:00:00Z")] // UTC day 31 January; from 30 January local: 2025-03-01T01:00Z
    [InlineData("2025-03-31T00:30:00+02:00", 2, "2025-06-30T22:30:00Z")] // two further months; from 31 March local: 2025-06-29T22:30Z
    public void AReceiptWhoseLocalDayDiffersFromItsUtcDayIsCountedFromTheUtcDay(string received, int extensionMonths, string due)
    {
        var receivedAt = DateTimeOffset.Parse(received, System.Globalization.CultureInfo.InvariantCulture);
        var expected = DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture);

        var dueAt = DueDates.Due(receivedAt, extensionMonths, TimeSpan.Zero);

        Assert.Equal(expected, dueAt);
        Assert.Equal(TimeSpan.Zero, dueAt.Offset);
        if (extensionMonths == 0)
        {
            Assert.Equal(expected, DueDates.FirstMonth(receivedAt));
        }
    }

    [Fact]
    public void AnExtensionCountsFurtherCalendarMonthsFromReceiptAndAddsThePausedTime()
    {
        var received = new DateTimeOffset(2025, 1, 31, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2025, 4, 30, 10, 0, 0, TimeSpan.Zero), DueDates.Due(received, 2, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2025, 3, 31, 13, 0, 0, TimeSpan.Zero), DueDates.Due(received, 1, TimeSpan.FromHours(3)));
    }
}
