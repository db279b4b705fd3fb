using Custodian.Mail;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Mail;

public sealed class SiloLossTests(ProcessSiloPlatform platform) : IClassFixture<ProcessSiloPlatform>
{
    [Fact]
    public async Task MailPendingWhenItsSiloDiesIsDeliveredByTheReminderAfterARestart()
    {
        // Arrange: the relay is down, so the mail stays pending
        var outbox = platform.GatewayCluster.GetGrain<IMailOutboxGrain>($"{Platform.NewId("acme")}/{Platform.NewId("inc")}");
        var mail = Mails.New();
        await platform.Mail.StopAsync();
        await outbox.EnqueueAsync(mail);
        var pending = await Poll.UntilAsync(
            async () => await outbox.GetAsync(mail.MessageId) is { Attempts: >= 1 } d ? d : throw new TimeoutException("no attempt yet"),
            TimeSpan.FromSeconds(30));

        // Act: the silo is killed (its timer and activation with it), the relay comes back, the silo restarts;
        // nothing calls the outbox, so only its reminder can wake it
        await platform.KillSiloAsync();
        await platform.Mail.StartAgainAsync();
        await platform.StartAgainAsync();
        var received = await Poll.UntilAsync(
            () => platform.Mail.WithMessageId(mail.MessageId) is { Count: > 0 } r ? Task.FromResult(r) : throw new TimeoutException("not delivered yet"),
            TimeSpan.FromMinutes(3));
        var delivered = await Mails.WaitForAsync(platform.GatewayCluster.GetGrain<IMailOutboxGrain>(outbox.GetPrimaryKeyString()), mail.MessageId, MailDeliveryState.Delivered, TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(MailDeliveryState.Pending, pending.State);
        Assert.All(received, r => Assert.Equal(mail.Subject, r.Subject));
        Assert.True(delivered.Attempts > pending.Attempts);
    }
}
