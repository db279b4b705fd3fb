using Custodian.Mail;
using Custodian.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Custodian.Tests.Mail;

[Collection(MailCollection.Name)]
public sealed class RelayOutageTests(Platform platform)
{
    [Fact]
    public async Task MailsQueuedWhileTheRelayIsDownAllArriveOnceItIsBack()
    {
        // Arrange: the relay is down
        var outbox = Mails.NewOutbox(platform);
        var mails = Enumerable.Range(1, 5).Select(n => Mails.New(subject: $"Notice {n}")).ToList();
        await platform.Mail.StopAsync();
        List<MailDelivery> whileDown;
        int remindersWhileDown;
        var reminders = platform.SiloServices.GetRequiredService<IReminderTable>();
        try
        {
            // Act: mails queue and are retried while the relay is down ...
            foreach (var mail in mails)
            {
                Assert.Equal(MailEnqueueOutcome.Queued, (await outbox.EnqueueAsync(mail)).Outcome);
            }

            whileDown = await Poll.UntilAsync(
                async () => await outbox.ListAsync() is var list && list.All(d => d.Attempts >= 2)
                    ? list.ToList()
                    : throw new TimeoutException("not every mail was retried yet"),
                TimeSpan.FromSeconds(30));
            remindersWhileDown = (await reminders.ReadRows(outbox.GetGrainId())).Reminders.Count;
        }
        finally
        {
            // ... and the relay comes back
            await platform.Mail.StartAgainAsync();
        }

        var delivered = await Poll.UntilAsync(
            async () => await outbox.ListAsync() is var list && list.All(d => d.State == MailDeliveryState.Delivered)
                ? list.ToList()
                : throw new TimeoutException("not every mail was delivered yet"),
            TimeSpan.FromSeconds(30));
        var remindersAfter = await Poll.UntilAsync(
            async () => (await reminders.ReadRows(outbox.GetGrainId())).Reminders.Count is 0 ? 0 : throw new TimeoutException("the reminder is still there"),
            TimeSpan.FromSeconds(30));

        // Assert: pending with attempts counted (and a reminder) while down; then every mail arrived, any duplicate
        // under the same id, and the reminder is gone
        Assert.Equal(5, whileDown.Count);
        Assert.All(whileDown, d =>
        {
            Assert.Equal(MailDeliveryState.Pending, d.State);
            Assert.StartsWith("relay unreachable", d.LastFailure);
            Assert.NotNull(d.NextAttemptAt);
        });
        Assert.Equal(1, remindersWhileDown);
        Assert.Equal(0, remindersAfter);
        Assert.Equal(5, delivered.Count);
        Assert.All(delivered, d => Assert.True(d.Attempts >= 3, $"{d.MessageId} was delivered on attempt {d.Attempts}"));
        foreach (var mail in mails)
        {
            var received = platform.Mail.WithMessageId(mail.MessageId);
            Assert.NotEmpty(received);
            Assert.All(received, r => Assert.Equal(mail.Subject, r.Subject));
        }
    }
}
