using System.Collections.Immutable;
using Azure.Data.Tables;
using Custodian.Storage;

namespace Custodian.Silo.Storage;

/// <summary>
/// The tombstone list (which grains were shredded) and the shred receipts, each in a table of its
/// own. Neither holds personal data: grain ids are pseudonyms. Backups carry the tombstone list,
/// and a restore brings it back so shredded grains do not reappear.
/// </summary>
public sealed class ShredLedger(TableClient tombstones, TableClient receipts, string serviceId)
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
        await tombstones.UpsertEntityAsync(Tombstone(serviceId, receipt.GrainId, receipt.ShreddedAt, receipt.ReceiptId), TableUpdateMode.Replace);
        await receipts.UpsertEntityAsync(new TableEntity(serviceId, receipt.ReceiptId)
        {
            ["GrainId"] = receipt.GrainId,
            ["KeyId"] = receipt.KeyId,
            ["ShreddedAt"] = receipt.ShreddedAt,
            ["Actor"] = receipt.Actor,
            ["Reason"] = receipt.Reason,
            ["StoresCleared"] = string.Join('\n', receipt.StoresCleared),
        }, TableUpdateMode.Replace);
    }

    /// <summary>The grain's tombstone: when it was shredded and the receipt id, or null.</summary>
    public async Task<(DateTimeOffset At, string ReceiptId)?> FindTombstoneAsync(string grainId)
    {
        var row = await tombstones.GetEntityIfExistsAsync<TableEntity>(serviceId, Uri.EscapeDataString(grainId));
        return row.HasValue ? (row.Value!.GetDateTimeOffset("ShreddedAt") ?? DateTimeOffset.UnixEpoch, row.Value.GetString("ReceiptId")) : null;
    }

    /// <summary>A receipt by id, or null.</summary>
    public async Task<ShredReceipt?> GetReceiptAsync(string receiptId)
    {
        var row = await receipts.GetEntityIfExistsAsync<TableEntity>(serviceId, receiptId);
        if (!row.HasValue)
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

    /// <summary>Every tombstone: grain id, time and receipt id.</summary>
    public async IAsyncEnumerable<(string GrainId, DateTimeOffset At, string ReceiptId)> TombstonesAsync()
    {
        await foreach (var row in tombstones.QueryAsync<TableEntity>(e => e.PartitionKey == serviceId))
        {
            yield return (Uri.UnescapeDataString(row.RowKey), row.GetDateTimeOffset("ShreddedAt") ?? DateTimeOffset.UnixEpoch, row.GetString("ReceiptId"));
        }
    }

    /// <summary>A tombstone row, as this ledger and a restore write it.</summary>
    public static TableEntity Tombstone(string serviceId, string grainId, DateTimeOffset at, string receiptId) =>
        new(serviceId, Uri.EscapeDataString(grainId))
        {
            ["ShreddedAt"] = at,
            ["ReceiptId"] = receiptId,
        };

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
