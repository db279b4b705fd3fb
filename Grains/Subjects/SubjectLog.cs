using Microsoft.Extensions.Logging;

namespace Custodian.Subjects;

/// <summary>Log messages of the subjects area: grain keys (pseudonyms) and counts, never values.</summary>
internal static partial class SubjectLog
{
    [LoggerMessage(1001, LogLevel.Information, "Stored category {Category} of subject {SubjectKey} ({FieldCount} fields)")]
    public static partial void RecordStored(ILogger logger, string subjectKey, string category, int fieldCount);

    [LoggerMessage(1002, LogLevel.Information, "Subject {SubjectKey} crypto-shredded, receipt {ReceiptId}; {NoticesQueued} recipient notices queued")]
    public static partial void Shredded(ILogger logger, string subjectKey, string receiptId, int noticesQueued);

    [LoggerMessage(1003, LogLevel.Information, "Subject {SubjectKey}: {Changed} fields of category {Category} rectified; {NoticesQueued} recipient notices queued")]
    public static partial void Rectified(ILogger logger, string subjectKey, string category, int changed, int noticesQueued);

    [LoggerMessage(1004, LogLevel.Information, "Subject {SubjectKey}: processing restricted ({Ground}); {NoticesQueued} recipient notices queued")]
    public static partial void Restricted(ILogger logger, string subjectKey, RestrictionGround ground, int noticesQueued);

    [LoggerMessage(1005, LogLevel.Information, "Subject {SubjectKey}: restriction lifted")]
    public static partial void RestrictionLifted(ILogger logger, string subjectKey);

    [LoggerMessage(1006, LogLevel.Information, "Subject {SubjectKey}: objection to purpose {Purpose} recorded (direct marketing: {DirectMarketing})")]
    public static partial void Objected(ILogger logger, string subjectKey, string purpose, bool directMarketing);

    [LoggerMessage(1007, LogLevel.Information, "Subject {SubjectKey}: compelling grounds recorded for purpose {Purpose}")]
    public static partial void GroundsRecorded(ILogger logger, string subjectKey, string purpose);

    [LoggerMessage(1008, LogLevel.Information, "Subject {SubjectKey}: {Count} recipients of category {Category}")]
    public static partial void RecipientsSet(ILogger logger, string subjectKey, string category, int count);

    [LoggerMessage(1009, LogLevel.Information, "Subject {SubjectKey}: legal hold placed ({Ground})")]
    public static partial void HoldPlaced(ILogger logger, string subjectKey, ErasureException ground);

    [LoggerMessage(1010, LogLevel.Information, "Subject {SubjectKey}: legal hold released")]
    public static partial void HoldReleased(ILogger logger, string subjectKey);

    [LoggerMessage(1011, LogLevel.Information, "Subject {SubjectKey}: erasure held by a legal hold ({Ground}); {Erased} categories erased, {Kept} kept")]
    public static partial void ErasureHeld(ILogger logger, string subjectKey, ErasureException ground, int erased, int kept);

    [LoggerMessage(1012, LogLevel.Error, "Subject {SubjectKey}: the change ({Change}) is stored but its {Count} Art. 19 notices could not be queued ({Error})")]
    public static partial void NoticesNotQueued(ILogger logger, string error, string subjectKey, SubjectChangeKind change, int count);

    [LoggerMessage(1013, LogLevel.Information, "Subject {SubjectKey}: rectification of category {Category} not made, the record changed after it was planned")]
    public static partial void RectificationChangedMeanwhile(ILogger logger, string subjectKey, string category);

    [LoggerMessage(1014, LogLevel.Information, "Subject {SubjectKey}: category {Category} not written again, the write repeats an earlier one under the same idempotency key")]
    public static partial void RecordRepeated(ILogger logger, string subjectKey, string category);

    [LoggerMessage(1015, LogLevel.Warning, "Subject {SubjectKey}: write of category {Category} refused, its idempotency key was used for a different record")]
    public static partial void KeyReused(ILogger logger, string subjectKey, string category);
}
