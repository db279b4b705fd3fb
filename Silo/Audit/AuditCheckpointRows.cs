using System.Globalization;
using Azure.Data.Tables;
using Custodian.Audit;
using Custodian.Hosting;

namespace Custodian.Silo.Audit;

/// <summary>
/// How checkpoints are signed, checked and stored: one row per audit partition (its newest checkpoint) in the table
/// <see cref="Table"/>, keyed by the partition's table key; the same fields in a backup's checkpoints file. The MAC is
/// <see cref="AuditKeys.Authenticate"/> for <see cref="AuditCheckpoint.Purpose"/> over <see cref="AuditCheckpoint.Fields"/>.
/// </summary>
internal static class AuditCheckpointRows
{
    /// <summary>The table of checkpoints, in the audit account of the pair region (and of a restore's target).</summary>
    public const string Table = "CustodianCheckpoints";

    private const string Row = "checkpoint";

    public static AuditCheckpoint Sign(AuditKeys keys, string partition, long sequence, string hash, DateTimeOffset at)
    {
        var unsigned = new AuditCheckpoint(partition, sequence, hash, at.ToUniversalTime(), "");
        return unsigned with { Mac = keys.Authenticate(AuditCheckpoint.Purpose, unsigned.Fields()) };
    }

    /// <summary>Whether <paramref name="checkpoint"/> carries a MAC of its own fields (partition included, so it cannot be moved).</summary>
    public static bool IsAuthentic(AuditKeys keys, AuditCheckpoint checkpoint) =>
        keys.IsAuthentic(checkpoint.Mac, AuditCheckpoint.Purpose, checkpoint.Fields());

    public static TableEntity ToEntity(AuditCheckpoint checkpoint) => new(TableAuditStore.Key(checkpoint.Partition), Row)
    {
        ["Partition"] = checkpoint.Partition,
        ["Sequence"] = checkpoint.Sequence,
        ["Hash"] = checkpoint.Hash,
        // As text: the MAC covers the time to the tick, which the round trip of text keeps.
        ["At"] = checkpoint.At.ToString("O", CultureInfo.InvariantCulture),
        ["Mac"] = checkpoint.Mac,
    };

    /// <summary>The checkpoint a row holds, or null when it holds none that parses (which counts as forged).</summary>
    public static AuditCheckpoint? FromEntity(TableEntity row) =>
        row.GetString("Partition") is { } partition && row.GetInt64("Sequence") is { } sequence && row.GetString("Hash") is { } hash
        && DateTimeOffset.TryParseExact(row.GetString("At"), "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? new AuditCheckpoint(partition, sequence, hash, at, row.GetString("Mac") ?? "")
            : null;

    /// <summary>The row key of <paramref name="partition"/>'s newest checkpoint.</summary>
    public static (string PartitionKey, string RowKey) Address(string partition) => (TableAuditStore.Key(partition), Row);
}
