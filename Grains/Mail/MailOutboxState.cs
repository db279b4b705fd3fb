using System.Collections.Immutable;

namespace Custodian.Mail;

/// <summary>What a MailOutbox grain persists (on the <c>secure</c> storage: pending mails hold addresses and bodies).</summary>
[GenerateSerializer, Alias("Custodian.Mail.MailOutboxState")]
public sealed class MailOutboxState
{
    [Id(0)]
    public ImmutableDictionary<string, OutboxEntry> Entries { get; set; } = ImmutableDictionary<string, OutboxEntry>.Empty;
}
