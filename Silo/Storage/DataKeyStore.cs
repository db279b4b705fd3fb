using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Custodian.Silo.Storage;

/// <summary>
/// Every grain's data key, wrapped by a version of the region's key-encryption key, in a table of
/// its own (apart from states and backups). Deleting a grain's row is crypto-shredding: every copy
/// of that grain's state becomes unreadable. Rewrapping moves keys to another KEK version without
/// touching any state.
/// </summary>
public sealed class DataKeyStore(TableClient table, IKeyRing ring, string serviceId)
{
    /// <summary>The key table's name.</summary>
    public string TableName => table.Name;

    /// <summary>Creates the key table when it does not exist.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>The grain's data key, or null when it has none (never written, or shredded).</summary>
    public async Task<DataKey?> FindAsync(string grainId)
    {
        return await FindRowAsync(grainId) is { } row ? await UnwrapAsync(row) : null;
    }

    /// <summary>The grain's key row as stored (the key still wrapped), or null; what a restore copies.</summary>
    public async Task<TableEntity?> FindRowAsync(string grainId)
    {
        var (partition, row) = Address(grainId);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partition, row);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>The ids of every grain that has a data key now (one scan of the key table, ids only).</summary>
    public async IAsyncEnumerable<string> GrainIdsAsync()
    {
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["GrainId"]))
        {
            yield return row.GetString("GrainId");
        }
    }

    /// <summary>
    /// The grain's data key, created (and stored wrapped by the current KEK) on first use; <c>Created</c> says
    /// whether this call made it (and so must copy it to the pair region).
    /// </summary>
    public async Task<(DataKey Key, bool Created)> GetOrCreateAsync(string grainId)
    {
        if (await FindAsync(grainId) is { } existing)
        {
            return (existing, false);
        }

        var key = new DataKey("dek-" + Guid.NewGuid().ToString("N"), RandomNumberGenerator.GetBytes(DataKey.Size));
        try
        {
            await table.AddEntityAsync(await WrapAsync(grainId, key));
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            key.Destroy(); // another writer created this grain's key first; use theirs
            return (await FindAsync(grainId) ?? throw new InvalidOperationException("A data key vanished while it was being created."), false);
        }

        return (key, true);
    }

    /// <summary>
    /// Stores a copy of a grain's data key made in the pair region, wrapped by this region's current KEK.
    /// A copy already there is left as it is; a different key already there is a conflict (the copies of
    /// that grain diverged) and throws, so no data key is ever overwritten. With <paramref name="lookFirst"/>
    /// (a key that is probably there already) it reads before it adds.
    /// </summary>
    public async Task AddCopyAsync(string grainId, DataKey key, bool lookFirst = false)
    {
        if (lookFirst)
        {
            var (p, r) = Address(grainId);
            var there = await table.GetEntityIfExistsAsync<TableEntity>(p, r, ["KeyId"]);
            if (there.HasValue)
            {
                Diverged(there.Value!, key);
                return;
            }
        }

        try
        {
            await table.AddEntityAsync(await WrapAsync(grainId, key));
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var (partition, row) = Address(grainId);
            var held = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, ["KeyId"]);
            if (held.HasValue)
            {
                Diverged(held.Value!, key);
            }
        }
    }

    private void Diverged(TableEntity held, DataKey key)
    {
        if (held.GetString("KeyId") != key.KeyId)
        {
            throw new Custodian.Storage.RegionFencedException($"The pair's table {table.Name} holds another data key for a grain; the copies diverged and need a resynchronisation.");
        }
    }

    /// <summary>Deletes the grain's data key; returns its id, or null when it had none.</summary>
    public async Task<string?> DestroyAsync(string grainId)
    {
        var (partition, row) = Address(grainId);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, ["KeyId"]);
        if (!existing.HasValue)
        {
            return null;
        }

        await table.DeleteEntityAsync(partition, row, ETag.All);
        return existing.Value!.GetString("KeyId");
    }

    /// <summary>
    /// Rewraps one page of the data keys not yet wrapped by <paramref name="targetKekId"/>. Keys shredded
    /// or changed meanwhile are skipped (a later pass finds any that still need it). Returns how many
    /// were rewrapped and the continuation for the next page (null after the last).
    /// </summary>
    public async Task<(int Rewrapped, string? Continuation)> RewrapPageAsync(string targetKekId, string? continuation, int pageSize)
    {
        var target = await ring.ResolveAsync(targetKekId);
        var query = table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"KekId ne {targetKekId}"), pageSize);
        await foreach (var page in query.AsPages(continuation, pageSize))
        {
            var updates = new List<TableEntity>(page.Values.Count);
            foreach (var entity in page.Values)
            {
                var old = await ring.ResolveAsync(entity.GetString("KekId"));
                var material = await old.UnwrapKeyAsync(entity.GetString("WrapAlgorithm"), entity.GetBinary("WrappedKey"));
                try
                {
                    updates.Add(new TableEntity(entity.PartitionKey, entity.RowKey)
                    {
                        ETag = entity.ETag,
                        ["KekId"] = target.KeyId,
                        ["WrapAlgorithm"] = ring.WrapAlgorithm,
                        ["WrappedKey"] = await target.WrapKeyAsync(ring.WrapAlgorithm, material),
                    });
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(material);
                }
            }

            var rewrapped = 0;
            foreach (var partition in updates.GroupBy(u => u.PartitionKey))
            {
                rewrapped += await UpdatePartitionAsync([.. partition]);
            }

            return (rewrapped, page.ContinuationToken);
        }

        return (0, null);
    }

    /// <summary>How many data keys each KEK version wraps.</summary>
    public async Task<Dictionary<string, long>> CountByKekAsync()
    {
        var counts = new Dictionary<string, long>();
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["KekId"]))
        {
            var kek = row.GetString("KekId");
            counts[kek] = counts.GetValueOrDefault(kek) + 1;
        }

        return counts;
    }

    /// <summary>
    /// The table address of a grain's key: rows spread over 256 partitions by a hash of the
    /// grain id; the row key is the escaped grain id (grain ids carry no personal data).
    /// </summary>
    public (string Partition, string Row) Address(string grainId)
    {
        var spread = SHA256.HashData(Encoding.UTF8.GetBytes(grainId))[0];
        return ($"{serviceId}-{spread:x2}", Uri.EscapeDataString(grainId));
    }

    private async Task<TableEntity> WrapAsync(string grainId, DataKey key)
    {
        var kek = ring.Current;
        var (partition, row) = Address(grainId);
        return new TableEntity(partition, row)
        {
            ["GrainId"] = grainId,
            ["KeyId"] = key.KeyId,
            ["KekId"] = kek.KeyId,
            ["WrapAlgorithm"] = ring.WrapAlgorithm,
            ["WrappedKey"] = await kek.WrapKeyAsync(ring.WrapAlgorithm, key.Material),
            ["CreatedAt"] = DateTimeOffset.UtcNow,
        };
    }

    private async Task<int> UpdatePartitionAsync(IReadOnlyList<TableEntity> updates)
    {
        var done = 0;
        foreach (var chunk in updates.Chunk(100))
        {
            try
            {
                // Up to 100 operations in one partition per transaction: the fast path.
                await table.SubmitTransactionAsync(chunk.Select(u => new TableTransactionAction(TableTransactionActionType.UpdateMerge, u, u.ETag)));
                done += chunk.Length;
            }
            catch (TableTransactionFailedException)
            {
                // A key of this chunk was shredded or changed meanwhile: do the chunk one by one.
                foreach (var update in chunk)
                {
                    try
                    {
                        await table.UpdateEntityAsync(update, update.ETag, TableUpdateMode.Merge);
                        done++;
                    }
                    catch (RequestFailedException e) when (e.Status is 404 or 412)
                    {
                    }
                }
            }
        }

        return done;
    }

    private async Task<DataKey> UnwrapAsync(TableEntity entity)
    {
        var kek = await ring.ResolveAsync(entity.GetString("KekId"));
        var material = await kek.UnwrapKeyAsync(entity.GetString("WrapAlgorithm"), entity.GetBinary("WrappedKey"));
        return new DataKey(entity.GetString("KeyId"), material);
    }
}
