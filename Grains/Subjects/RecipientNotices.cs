using Custodian.Mail;
using Microsoft.Extensions.Logging;

namespace Custodian.Subjects;

/// <summary>
/// Art. 19 notifications: after a rectification, erasure or restriction has been stored, each recipient
/// of an affected category gets an e-mail through the mail outbox (the same path as breach notices).
/// The mail names the tenant, the subject's pseudonym, the category and what changed, never a value.
/// Message ids are derived from the change, so a repeated request queues the same mails, not new ones.
/// </summary>
public static class RecipientNotices
{
    /// <summary>The outbox that holds a subject's notices: one per subject.</summary>
    public static string OutboxKey(string subjectKey) => $"subject:{subjectKey}";

    /// <summary>
    /// Queues one notice per recipient of a change that is already stored; returns how many are in the outbox.
    /// The change stands if the outbox cannot take them: that gap is logged and shows as fewer notices queued than recipients.
    /// </summary>
    public static async Task<int> QueueAsync(
        IGrainFactory grains, ILogger logger, string subjectKey, IReadOnlyList<(string Category, Recipient Recipient)> recipients, SubjectChangeKind change, DateTimeOffset at)
    {
        if (recipients.Count == 0)
        {
            return 0;
        }

        try
        {
            var subject = SubjectRef.FromGrainKey(subjectKey);
            var outbox = grains.GetGrain<IMailOutboxGrain>(OutboxKey(subjectKey));
            var results = await Task.WhenAll(recipients.Select((r, n) => outbox.EnqueueAsync(Notice(subject, r.Category, r.Recipient, change, at, n))));
            return results.Count(r => r.IsStored);
        }
        catch (Exception e)
        {
            SubjectLog.NoticesNotQueued(logger, e.GetType().Name, subjectKey, change, recipients.Count);
            return 0;
        }
    }

    private static OutgoingMail Notice(SubjectRef subject, string category, Recipient recipient, SubjectChangeKind change, DateTimeOffset at, int n)
    {
        var (verb, asked) = change switch
        {
            SubjectChangeKind.Rectified => ("rectified", "Please rectify your copy of this data accordingly; the corrected values are available to you through the usual interface."),
            SubjectChangeKind.Erased => ("erased", "Please erase your copy of this data."),
            _ => ("restricted", "Please restrict processing of your copy to storage, and to purposes Art. 18(2) GDPR allows, until you are told otherwise."),
        };
        var id = $"art19.{change.ToString().ToLowerInvariant()}.{at.UtcDateTime:yyyyMMddHHmmssfff}.{n}.{subject.TenantId}@custodian";
        var body = $"""
            Notification under Art. 19 GDPR

            The data of category "{category}" held about data subject {subject.SubjectId} of customer {subject.TenantId}
            was {verb} on {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC. You are listed as a recipient of this data.

            {asked}

            This message contains no personal data beyond the subject's pseudonymous identifier.
            """;
        return new OutgoingMail(id, [recipient.Email], $"Art. 19 GDPR: data of a subject of {subject.TenantId} was {verb}", body, $"subject:{subject.TenantId}");
    }
}
