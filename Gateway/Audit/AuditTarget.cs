using Custodian.Gateway.Validation;
using Custodian.Hosting;
using Google.Protobuf;

namespace Custodian.Gateway.Audit;

/// <summary>
/// What an administrative call acts on, read from its request or response message: a data subject
/// only as its keyed hash, otherwise the first id the message carries (grant, receipt, job, ...),
/// otherwise the tenant. Free text (reasons, justifications) is never taken.
/// </summary>
public static class AuditTarget
{
    private const int MaxLength = 128;
    private static readonly string[] Ids = ["grant_id", "receipt_id", "job_id", "backup_id", "incident_id", "request_id", "alert_id", "principal"];

    /// <summary>The target named by <paramref name="message"/>, or null when it names none.</summary>
    public static string? Of(IMessage? message, AuditKeys keys)
    {
        if (message is null)
        {
            return null;
        }

        var tenant = Text(message, "tenant_id");
        if (tenant is not null && Text(message, "subject_id") is { } subject)
        {
            return keys.Subject(tenant, subject);
        }

        foreach (var id in Ids)
        {
            if (Text(message, id) is { } value)
            {
                return $"{id.Replace("_id", "", StringComparison.Ordinal)}:{Bounded(value)}";
            }
        }

        return tenant is null ? null : "tenant:" + Bounded(tenant);
    }

    private static string? Text(IMessage message, string field) => MessageFields.Text(message, field);

    private static string Bounded(string value) => value.Length <= MaxLength ? value : value[..MaxLength];
}
