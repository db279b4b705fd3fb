using Azure;
using Azure.Data.Tables;

namespace Custodian.Silo.Regions;

/// <summary>
/// What this region wrote while its pair was unreachable: one row per unreplicated item (a state, a data
/// key, a shred, an audit partition), in this region's own storage, written before the write it stands
/// for is acknowledged. Rows carry grain ids and tenant ids only. A repeated change of the same item
/// touches its row (a new ETag), so a drain that copied an older version leaves the row for the next pass.
/// </summary>
public sealed class ReplicationBacklog(TableClient table)
{
    /// <summary>Creates the table when it does not exist.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>Records that <paramref name="item"/> of <paramref name="scope"/> is not yet in the pair region.</summary>
    public async Task AddAsync(PlacementScope scope, BacklogKind kind, string item, string detail = "")
    {
        var now = DateTimeOffset.UtcNow;
        var entity = new TableEntity(scope.Key, RowKey(kind, item))
        {
            ["Kind"] = kind.ToString(),
            ["Item"] = item,
            ["Detail"] = detail,
            ["FirstAt"] = now,
            ["LastAt"] = now,
        };
        try
        {
            await table.AddEntityAsync(entity);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Already pending: touch it, so a drain that is copying an older version keeps the row.
            await table.UpdateEntityAsync(new TableEntity(scope.Key, entity.RowKey) { ["LastAt"] = now, ["Detail"] = detail }, ETag.All, TableUpdateMode.Merge);
        }
    }

    /// <summary>Whether <paramref name="item"/> of <paramref name="scope"/> is pending (one point read).</summary>
    public async Task<bool> ContainsAsync(PlacementScope scope, BacklogKind kind, string item) =>
        (await table.GetEntityIfExistsAsync<TableEntity>(scope.Key, RowKey(kind, item), ["Kind"])).HasValue;

    /// <summary>Every pending item, shreds first, then keys, states and audit partitions; oldest first within each.</summary>
    public async Task<List<BacklogItem>> ItemsAsync(CancellationToken cancellationToken = default)
    {
        var items = new List<BacklogItem>();
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            items.Add(new BacklogItem(
                PlacementScope.FromKey(row.PartitionKey),
                Enum.TryParse<BacklogKind>(row.GetString("Kind"), out var kind) ? kind : BacklogKind.State,
                row.GetString("Item") ?? "",
                row.GetString("Detail") ?? "",
                row.GetDateTimeOffset("FirstAt") ?? DateTimeOffset.UtcNow,
                row.PartitionKey,
                row.RowKey,
                row.ETag));
        }

        return [.. items.OrderBy(i => i.Kind).ThenBy(i => i.FirstAt)];
    }

    /// <summary>Removes an item once it is in the pair region; false when it changed meanwhile (it stays for the next pass).</summary>
    public async Task<bool> RemoveAsync(BacklogItem item)
    {
        try
        {
            await table.DeleteEntityAsync(item.Partition, item.Row, item.ETag);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return true;
        }
    }

    /// <summary>Removes an item whatever its state (its work is done).</summary>
    public async Task RemoveAsync(PlacementScope scope, BacklogKind kind, string item)
    {
        try
        {
            await table.DeleteEntityAsync(scope.Key, RowKey(kind, item), ETag.All);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // the drain finished it meanwhile
        }
    }

    private static string RowKey(BacklogKind kind, string item) => $"{(int)kind}-{Uri.EscapeDataString(item)}";
}

/// <summary>What a backlog row stands for, in the order a drain applies them.</summary>
public enum BacklogKind
{
    /// <summary>A crypto-shred: the pair's data key, tombstone and receipt.</summary>
    Shred = 0,

    /// <summary>A data key created while the pair was away.</summary>
    Key = 1,

    /// <summary>A grain state (its envelope).</summary>
    State = 2,

    /// <summary>An audit partition's newer segments.</summary>
    Audit = 3,
}

/// <summary>One pending item: its scope, kind, item (grain id and state, or audit partition) and when it was first backlogged.</summary>
public sealed record BacklogItem(PlacementScope Scope, BacklogKind Kind, string Item, string Detail, DateTimeOffset FirstAt, string Partition, string Row, ETag ETag);
