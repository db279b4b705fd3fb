using System.Collections.Immutable;
using System.Globalization;
using Azure.Data.Tables;
using Custodian.Hosting;
using Custodian.Storage;

namespace Custodian.Silo.Storage;

/// <summary>
/// The tombstone list (which grains were shredded) and the shred receipts, each in a table of its
/// own. Neither holds personal data: grain ids are pseudonyms. Backups carry the tombstone list,
/// and a restore brings it back so shredded grains do not reappear. Every row carries a MAC under
/// the integrity key (which the storage account does not hold); a row without a valid one is not
/// read (with <paramref name="acceptUnauthenticated"/>, for the first start after an upgrade, a row
/// with no MAC at all still is).
/// </summary>
public sealed class ShredLedger(TableClient tombstones, TableClient receipts, string serviceId, AuditKeys integrity, bool acceptUnauthenticated = false)
{
    /// <summary>Creates both tables when they do not exist.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await tombstones.CreateIfNotExistsAsync(cancellationToken);
        await receipts.CreateIfNotExistsAsync(cancellationToken);
    }

    /// <summary>Records a shred: its tombstone and its receipt (both overwrite, so a repeated shred is harmless).</summary>
    public async Task RecordAsync(ShredReceipt receipt)
    {
        await tombstones.UpsertEntityAsync(Tombstone(receipt.GrainId, receipt.ShreddedAt, receipt.ReceiptId), TableUpdateMode.Replace);
        var row = new TableEntity(serviceId, receipt.ReceiptId)
        {
            ["GrainId"] = receipt.GrainId,
            ["KeyId"] = receipt.KeyId,
            ["ShreddedAt"] = receipt.ShreddedAt,
            ["Actor"] = receipt.Actor,
            ["Reason"] = receipt.Reason,
            ["StoresCleared"] = string.Join('\n', receipt.StoresCleared),
        };
        row["Mac"] = integrity.Authenticate("shred-receipt", ReceiptFields(row));
        await receipts.UpsertEntityAsync(row, TableUpdateMode.Replace);
    }

    /// <summary>The grain's tombstone: when it was shredded and the receipt id, or null.</summary>
    public async Task<(DateTimeOffset At, string ReceiptId)?> FindTombstoneAsync(string grainId)
    {
        var row = await tombstones.GetEntityIfExistsAsync<TableEntity>(serviceId, Uri.EscapeDataString(grainId));
        return row.HasValue && Authentic(row.Value!, "shred-tombstone", TombstoneFields(row.Value!))
            ? (row.Value!.GetDateTimeOffset("ShreddedAt") ?? DateTimeOffset.UnixEpoch, row.Value.GetString("ReceiptId"))
            : null;
    }

    /// <summary>A receipt by id, or null.</summary>
    public async Task<ShredReceipt?> GetReceiptAsync(string receiptId)
    {
        var row = await receipts.GetEntityIfExistsAsync<TableEntity>(serviceId, receiptId);
        if (!row.HasValue || !Authentic(row.Value!, "shred-receipt", ReceiptFields(row.Value!)))
        {
            return null;
        }

        var e = row.Value!;
        return new ShredReceipt(
            e.RowKey,
            e.GetString("GrainId"),
            e.GetString("KeyId"),
            e.GetDateTimeOffset("ShreddedAt") ?? DateTimeOffset.UnixEpoch,
            e.GetString("Actor"),
            e.GetString("Reason"),
            [.. e.GetString("StoresCleared").Split('\n', StringSplitOptions.RemoveEmptyEntries)]);
    }

    /// <summary>Every authentic tombstone: grain id, time and receipt id.</summary>
    public async IAsyncEnumerable<(string GrainId, DateTimeOffset At, string ReceiptId)> TombstonesAsync()
    {
        await foreach (var row in tombstones.QueryAsync<TableEntity>(e => e.PartitionKey == serviceId))
        {
            if (!Authentic(row, "shred-tombstone", TombstoneFields(row)))
            {
                continue;
            }

            yield return (Uri.UnescapeDataString(row.RowKey), row.GetDateTimeOffset("ShreddedAt") ?? DateTimeOffset.UnixEpoch, row.GetString("ReceiptId"));
        }
    }

    /// <summary>A tombstone row with its MAC, as this ledger and a restore write it.</summary>
    public TableEntity Tombstone(string grainId, DateTimeOffset at, string receiptId)
    {
        var row = new TableEntity(serviceId, Uri.EscapeDataString(grainId))
        {
            ["ShreddedAt"] = at,
            ["ReceiptId"] = receiptId,
        };
        row["Mac"] = integrity.Authenticate("shred-tombstone", TombstoneFields(row));
        return row;
    }

    private bool Authentic(TableEntity row, string purpose, string[] fields) =>
        row.GetString("Mac") is { } mac ? integrity.IsAuthentic(mac, purpose, fields) : acceptUnauthenticated;

    // The time to the millisecond, whatever precision the table keeps.
    private static string Time(TableEntity row) =>
        ((row.GetDateTimeOffset("ShreddedAt") ?? DateTimeOffset.UnixEpoch).UtcTicks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture);

    private string[] TombstoneFields(TableEntity row) => [serviceId, row.RowKey, Time(row), row.GetString("ReceiptId") ?? ""];

    private string[] ReceiptFields(TableEntity row) =>
    [
        serviceId, row.RowKey, row.GetString("GrainId") ?? "", row.GetString("KeyId") ?? "", Time(row),
        row.GetString("Actor") ?? "", row.GetString("Reason") ?? "", row.GetString("StoresCleared") ?? "",
    ];

    /// <summary>What a crypto-shred clears in one region, as a receipt lists it (each line starts with the region).</summary>
    public static ImmutableArray<string> StoresCleared(string region, string keyTable, string stateTable) =>
    [
        $"{region}: data key deleted from table {keyTable}",
        $"{region}: ciphertext replaced by a tombstone in table {stateTable}",
    ];

    /// <summary>A region the shred has not reached yet, as a receipt lists it until the backlog drains.</summary>
    public static string Pending(string region, DateTimeOffset since) =>
        $"{region}: pending in the replication backlog since {since:O}; erased there as soon as the region is reachable";

    /// <summary>What a crypto-shred clears wherever the data was.</summary>
    public static ImmutableArray<string> Everywhere =>
    [
        "data key zeroed in the activation's memory",
        "backups hold only ciphertext under the destroyed key",
    ];
}
