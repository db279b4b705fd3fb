using Custodian.Mail;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Mail;

[Collection(MailCollection.Name)]
public sealed class MailOutboxTests(Platform platform)
{
    [Fact]
    public async Task QueuedMailArrivesWithItsMessageIdSubjectAndBody()
    {
        // Arrange
        var outbox = Mails.NewOutbox(platform);
        var mail = Mails.New();

        // Act
        var queued = await outbox.EnqueueAsync(mail);
        var delivered = await Mails.WaitForAsync(outbox, mail.MessageId, MailDeliveryState.Delivered);

        // Assert
        Assert.Equal(MailEnqueueOutcome.Queued, queued.Outcome);
        Assert.Equal(MailDeliveryState.Pending, queued.Delivery!.State);
        var received = Assert.Single(platform.Mail.WithMessageId(mail.MessageId));
        Assert.Equal(mail.Subject, received.Subject);
        Assert.Equal(mail.Body, received.Body.TrimEnd('\r', '\n').ReplaceLineEndings("\n"));
        Assert.Equal(mail.To, received.Recipients);
        Assert.Equal(Platform.MailFrom, received.From);
        Assert.Equal(mail.Reference, received.Reference);
        Assert.Equal(1, delivered.Attempts);
        Assert.Contains("queued as relay-", delivered.RelayAnswer);
        Assert.NotNull(delivered.DeliveredAt);
        Assert.Null(delivered.NextAttemptAt);
    }

    [Fact]
    public async Task EnqueuingTheSameMailTwiceDeliversItOnce()
    {
        // Arrange
        var outbox = Mails.NewOutbox(platform);
        var mail = Mails.New();

        // Act
        var first = await outbox.EnqueueAsync(mail);
        var second = await outbox.EnqueueAsync(mail with { To = [.. mail.To] });
        await Mails.WaitForAsync(outbox, mail.MessageId, MailDeliveryState.Delivered);
        var afterDelivery = await outbox.EnqueueAsync(mail);

        // Assert
        Assert.Equal(MailEnqueueOutcome.Queued, first.Outcome);
        Assert.Equal(MailEnqueueOutcome.AlreadyQueued, second.Outcome);
        Assert.Equal(MailEnqueueOutcome.AlreadyQueued, afterDelivery.Outcome);
        Assert.Equal(MailDeliveryState.Delivered, afterDelivery.Delivery!.State);
        Assert.Single(await outbox.ListAsync());
        Assert.Single(platform.Mail.WithMessageId(mail.MessageId));
    }

    [Fact]
    public async Task DifferentContentUnderAnExistingMessageIdIsRefused()
    {
        // Arrange
        var outbox = Mails.NewOutbox(platform);
        var mail = Mails.New();
        await outbox.EnqueueAsync(mail);

        // Act
        var other = await outbox.EnqueueAsync(mail with { Body = "Another body altogether." });
        await Mails.WaitForAsync(outbox, mail.MessageId, MailDeliveryState.Delivered);
        var afterDelivery = await outbox.EnqueueAsync(mail with { Subject = "Another subject" });

        // Assert
        Assert.Equal(MailEnqueueOutcome.Conflict, other.Outcome);
        Assert.False(other.IsStored);
        Assert.Contains("different content", other.Refusal);
        Assert.Equal(MailEnqueueOutcome.Conflict, afterDelivery.Outcome);
        var received = Assert.Single(platform.Mail.WithMessageId(mail.MessageId));
        Assert.Equal(mail.Subject, received.Subject);
        Assert.DoesNotContain("Another body", received.Body);
    }

    [Fact]
    public async Task InvalidMailIsRefusedNamingTheFieldsButNotTheirValues()
    {
        // Arrange
        var outbox = Mails.NewOutbox(platform);
        var mail = Mails.New() with { MessageId = "<no-angle-brackets>", To = ["Jane Example <jane@example.org>", "not-an-address"], Subject = "" };

        // Act
        var result = await outbox.EnqueueAsync(mail);

        // Assert
        Assert.Equal(MailEnqueueOutcome.Invalid, result.Outcome);
        Assert.Equal(["message_id", "to[0]", "to[1]", "subject"], result.Violations.Select(v => v.Field));
        Assert.DoesNotContain(result.Violations, v => v.Description.Contains("jane", StringComparison.OrdinalIgnoreCase) || v.Description.Contains("not-an-address"));
        Assert.Empty(await outbox.ListAsync());
    }

    [Fact]
    public async Task RecipientTheRelayRefusesForGoodIsRejectedAndNotRetried()
    {
        // Arrange
        var outbox = Mails.NewOutbox(platform);
        var mail = Mails.New(domain: SmtpRelay.RefusedDomain);

        // Act
        await outbox.EnqueueAsync(mail);
        var rejected = await Mails.WaitForAsync(outbox, mail.MessageId, MailDeliveryState.Rejected);

        // Assert
        Assert.Equal(1, rejected.Attempts);
        Assert.Null(rejected.NextAttemptAt);
        Assert.Equal("relay answered 550 (RecipientNotAccepted)", rejected.LastFailure);
        Assert.Empty(platform.Mail.WithMessageId(mail.MessageId));
    }

    [Fact]
    public async Task MailBodiesSubjectsAndAddressesNeverReachTheLogs()
    {
        // Arrange: one mail delivered, one refused by the relay, each with markers of its own
        var outbox = Mails.NewOutbox(platform);
        var delivered = Mails.New(subject: "Breach " + Platform.NewId("subject"));
        var refused = Mails.New(subject: "Breach " + Platform.NewId("subject"), domain: SmtpRelay.RefusedDomain);

        // Act
        await outbox.EnqueueAsync(delivered);
        await outbox.EnqueueAsync(refused);
        await Mails.WaitForAsync(outbox, delivered.MessageId, MailDeliveryState.Delivered);
        await Mails.WaitForAsync(outbox, refused.MessageId, MailDeliveryState.Rejected);

        // Assert: the outcome is logged by message id, the personal data nowhere
        var lines = platform.Logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains(delivered.MessageId) && l.Contains("delivered"));
        Assert.Contains(lines, l => l.Contains(refused.MessageId) && l.Contains("rejected"));
        foreach (var secret in new[] { delivered.To[0], refused.To[0], delivered.Subject, refused.Subject, delivered.Body.Split('\n')[0], refused.Body.Split('\n')[0] })
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void OutgoingMailPrintsItsIdButNeitherAddressesNorBody()
    {
        // Arrange
        var mail = Mails.New();

        // Act
        var text = mail.ToString();

        // Assert
        Assert.Contains(mail.MessageId, text);
        Assert.DoesNotContain(mail.To[0], text);
        Assert.DoesNotContain(mail.Subject, text);
        Assert.DoesNotContain(mail.Body.Split('\n')[0], text);
    }
}
