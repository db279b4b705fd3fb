using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core.Cryptography;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;

namespace Custodian.Silo.Storage;

/// <summary>
/// Every grain's data key, wrapped by the region's key-encryption key, in a table of its own
/// (apart from state and backups). Destroying a grain's row is crypto-shredding: every copy of
/// that grain's state becomes unreadable.
/// </summary>
public sealed class DataKeyStore(
    TableClient table,
    IKeyEncryptionKey currentKek,
    IKeyEncryptionKeyResolver kekResolver,
    string serviceId,
    int cacheSize)
{
    private const string WrapAlgorithmProperty = "WrapAlgorithm";
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = cacheSize });

    /// <summary>Creates the key table when it does not exist.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>The grain's data key, or null when it has none (never written, or shredded).</summary>
    public async Task<DataKey?> FindAsync(string grainId)
    {
        if (_cache.TryGetValue(grainId, out DataKey? cached))
        {
            return cached;
        }

        var (partition, row) = Address(grainId);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partition, row);
        return response.HasValue ? Remember(grainId, await UnwrapAsync(response.Value!)) : null;
    }

    /// <summary>The grain's data key, created (and stored wrapped) on first use.</summary>
    public async Task<DataKey> GetOrCreateAsync(string grainId)
    {
        if (await FindAsync(grainId) is { } existing)
        {
            return existing;
        }

        var material = RandomNumberGenerator.GetBytes(DataKey.Size);
        var key = new DataKey("dek-" + Guid.NewGuid().ToString("N"), material);
        var (partition, row) = Address(grainId);
        var entity = new TableEntity(partition, row)
        {
            ["GrainId"] = grainId,
            ["KeyId"] = key.KeyId,
            ["KekId"] = currentKek.KeyId,
            [WrapAlgorithmProperty] = LocalKeyEncryptionKey.Algorithm,
            ["WrappedKey"] = await currentKek.WrapKeyAsync(LocalKeyEncryptionKey.Algorithm, material),
            ["CreatedAt"] = DateTimeOffset.UtcNow,
        };
        try
        {
            await table.AddEntityAsync(entity);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            key.Destroy(); // another writer created this grain's key first; use theirs
            return await FindAsync(grainId) ?? throw new InvalidOperationException("A data key vanished while it was being created.");
        }

        return Remember(grainId, key);
    }

    /// <summary>Destroys the grain's data key here and in the table; true when there was one.</summary>
    public async Task<bool> DestroyAsync(string grainId)
    {
        if (_cache.TryGetValue(grainId, out DataKey? cached))
        {
            _cache.Remove(grainId);
            cached!.Destroy();
        }

        var (partition, row) = Address(grainId);
        var response = await table.DeleteEntityAsync(partition, row, ETag.All);
        return response.Status != 404;
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

    private async Task<DataKey> UnwrapAsync(TableEntity entity)
    {
        var kek = await kekResolver.ResolveAsync(entity.GetString("KekId"));
        var material = await kek.UnwrapKeyAsync(entity.GetString(WrapAlgorithmProperty), entity.GetBinary("WrappedKey"));
        return new DataKey(entity.GetString("KeyId"), material);
    }

    private DataKey Remember(string grainId, DataKey key)
    {
        // Evicted keys are left to the garbage collector rather than zeroed: a grain may still be
        // using the instance. Shredding zeroes it (DestroyAsync).
        _cache.Set(grainId, key, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(20) });
        return key;
    }
}
