using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Hosting;

namespace Custodian.Silo.Audit;

/// <summary>
/// The index of a partition's segments by data subject: one row per subject and segment, in the segment's
/// table partition and stored in the same transaction, keyed <c>x-</c>, 32 hex digits of SHA-256 of the
/// subject's target, <c>-</c>, and the segment's own key (its first sequence, zero-padded), with the
/// subject's last sequence in the segment (<c>Through</c>, for paging). A subject's rows are one row-key
/// range, oldest segment first. Their keys start with a letter, so they sort after every segment key (digits)
/// and after the head, and every read of segments (<c>RowKey le</c> a sequence) passes them by. The target is
/// hashed again only to fit a row key (a keyed hash is base64, whose '/' no key may hold); it is no secret,
/// since the segment holds the target as it is.
/// </summary>
internal static class AuditSubjectIndex
{
    /// <summary>The subject's last sequence in the segment an index row names.</summary>
    public const string Through = "Through";

    private const string Marker = "x-";

    /// <summary>Whether entries with <paramref name="target"/> are indexed: a data subject's keyed hash.</summary>
    public static bool IsIndexed(string target) =>
        target.Length > AuditKeys.SubjectPrefix.Length && target.StartsWith(AuditKeys.SubjectPrefix, StringComparison.Ordinal);

    /// <summary>What the keys of <paramref name="target"/>'s index rows start with.</summary>
    public static string Prefix(string target) =>
        Marker + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(target)), 0, 16) + "-";

    /// <summary>The key of <paramref name="target"/>'s index row for the segment starting at <paramref name="segmentFirst"/>.</summary>
    public static string RowKey(string target, long segmentFirst) => Prefix(target) + AuditSegment.RowKey(segmentFirst);

    /// <summary>The index rows of one segment: one per subject it names, in the order it first names them.</summary>
    public static IEnumerable<TableEntity> Rows(string partitionKey, IReadOnlyList<AuditEntry> segment) =>
        segment.Where(e => IsIndexed(e.Record.Target))
            .GroupBy(e => e.Record.Target, StringComparer.Ordinal)
            .Select(subject => new TableEntity(partitionKey, RowKey(subject.Key, segment[0].Sequence))
            {
                [Through] = subject.Last().Sequence,
            });

    /// <summary>
    /// Splits a batch into consecutive parts that each name at most <paramref name="maxSubjects"/> subjects,
    /// so that each part is one segment with its index rows in one transaction; a batch within the limit
    /// stays whole.
    /// </summary>
    public static List<IReadOnlyList<AuditEntry>> Split(IReadOnlyList<AuditEntry> entries, int maxSubjects)
    {
        var parts = new List<IReadOnlyList<AuditEntry>>();
        var part = new List<AuditEntry>();
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var target = entry.Record.Target;
            if (IsIndexed(target) && !subjects.Contains(target) && subjects.Count == maxSubjects)
            {
                parts.Add(part);
                (part, subjects) = ([], new HashSet<string>(StringComparer.Ordinal));
            }

            if (IsIndexed(target))
            {
                subjects.Add(target);
            }

            part.Add(entry);
        }

        parts.Add(part);
        return parts;
    }

    /// <summary>
    /// The OData filter of <paramref name="prefix"/>'s index rows for segments starting from
    /// <paramref name="fromSegment"/> through <paramref name="throughSequence"/> that hold entries of the
    /// subject after <paramref name="afterSequence"/>: a row-key range, so the store reads the subject's rows only.
    /// </summary>
    public static string Filter(string partitionKey, string prefix, long fromSegment, long throughSequence, long afterSequence) =>
        TableClient.CreateQueryFilter(
            $"PartitionKey eq {partitionKey} and RowKey ge {prefix + AuditSegment.RowKey(fromSegment)} and RowKey le {prefix + AuditSegment.RowKey(throughSequence)} and Through gt {afterSequence}");

    /// <summary>The first sequence of the segment an index row under <paramref name="prefix"/> names, or null when its key names none.</summary>
    public static long? SegmentOf(string rowKey, string prefix) =>
        rowKey.Length == prefix.Length + 19 && rowKey.StartsWith(prefix, StringComparison.Ordinal)
            && long.TryParse(rowKey.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var first) && first > 0
            ? first
            : null;
}
