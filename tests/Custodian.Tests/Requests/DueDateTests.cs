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

    [Fact]
    public void AnExtensionCountsFurtherCalendarMonthsFromReceiptAndAddsThePausedTime()
    {
        var received = new DateTimeOffset(2025, 1, 31, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2025, 4, 30, 10, 0, 0, TimeSpan.Zero), DueDates.Due(received, 2, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2025, 3, 31, 13, 0, 0, TimeSpan.Zero), DueDates.Due(received, 1, TimeSpan.FromHours(3)));
    }
}
