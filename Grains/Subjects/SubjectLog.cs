using Microsoft.Extensions.Logging;

namespace Custodian.Subjects;

/// <summary>Log messages of the subjects area: grain keys (pseudonyms) and counts, never values.</summary>
internal static partial class SubjectLog
{
    [LoggerMessage(1001, LogLevel.Information, "Stored category {Category} of subject {SubjectKey} ({FieldCount} fields)")]
    public static partial void RecordStored(ILogger logger, string subjectKey, string category, int fieldCount);

    [LoggerMessage(1002, LogLevel.Information, "Subject {SubjectKey} crypto-shredded, receipt {ReceiptId}")]
    public static partial void Shredded(ILogger logger, string subjectKey, string receiptId);
}
