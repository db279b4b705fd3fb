using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Custodian.Tests.Monitoring;

public sealed class ReminderLagTests
{
    [Fact]
    public void LagIsTheTimeFromTheTickToTheGrainByTheGrainsClock()
    {
        // Arrange
        var tick = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var clock = new FakeTimeProvider(new DateTimeOffset(tick).AddSeconds(2.5));
        var measured = new List<(double Seconds, string? Reminder)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ReminderLag.MeterName && instrument.Name == ReminderLag.InstrumentName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? grain = null, reminder = null;
            foreach (var tag in tags)
            {
                grain = tag.Key == "grain" ? tag.Value as string : grain;
                reminder = tag.Key == "reminder" ? tag.Value as string : reminder;
            }

            if (grain == nameof(ProbeRemindable))
            {
                lock (measured)
                {
                    measured.Add((value, reminder));
                }
            }
        });
        listener.Start();

        // Act
        new ProbeRemindable().RecordReminderLag("probe", new TickStatus(tick, TimeSpan.FromMinutes(1), tick), clock);

        // Assert
        Assert.Equal((2.5, "probe"), Assert.Single(measured));
    }

    private sealed class ProbeRemindable : IRemindable
    {
        public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
    }
}
