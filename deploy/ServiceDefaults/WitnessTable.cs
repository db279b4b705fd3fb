using Azure;
using Azure.Data.Tables;

namespace Custodian.Hosting;

/// <summary>
/// The placement table at the witness (a storage account outside both regions of a pair): per tenant
/// its writer region and epoch (the fencing token) and whether it is degraded, and per region a lease
/// the region renews while it is healthy. Every row changes only by compare-and-swap on its ETag.
/// </summary>
public sealed class WitnessTable(TableClient table)
{
    /// <summary>The witness's table of placements and leases.</summary>
    public const string TableName = "CustodianPlacement";

    private const string TenantPartition = "tenant";
    private const string LeasePartition = "lease";

    /// <summary>Creates the table when it does not exist.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>
    /// Extends <paramref name="region"/>'s lease to <paramref name="until"/> (any silo of the region may renew
    /// it; a renewal that finds a later expiry leaves it). Returns the expiry the witness now holds.
    /// </summary>
    public async Task<DateTimeOffset> RenewLeaseAsync(string region, string holder, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(LeasePartition, region, cancellationToken: cancellationToken);
            var entity = new TableEntity(LeasePartition, region)
            {
                ["ExpiresAt"] = until,
                ["RenewedAt"] = DateTimeOffset.UtcNow,
                ["Holder"] = holder,
            };
            try
            {
                if (!row.HasValue)
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                    return until;
                }

                if (row.Value!.GetDateTimeOffset("ExpiresAt") is { } held && held >= until)
                {
                    return held;
                }

                await table.UpdateEntityAsync(entity, row.Value.ETag, TableUpdateMode.Replace, cancellationToken);
                return until;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 5)
            {
                // Another silo of the region renewed at the same moment: read again.
            }
        }
    }

    /// <summary>When <paramref name="region"/>'s lease ends, or null when it never held one.</summary>
    public async Task<DateTimeOffset?> LeaseOfAsync(string region, CancellationToken cancellationToken = default)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(LeasePartition, region, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetDateTimeOffset("ExpiresAt") : null;
    }

    /// <summary>Every tenant's placement row, or with <paramref name="changedSince"/> those the witness changed since then.</summary>
    public async Task<List<TenantPlacementRow>> TenantsAsync(DateTimeOffset? changedSince = null, CancellationToken cancellationToken = default)
    {
        var rows = new List<TenantPlacementRow>();
        var filter = changedSince is { } since
            ? TableClient.CreateQueryFilter($"PartitionKey eq {TenantPartition} and Timestamp ge {since}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {TenantPartition}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(TenantPlacementRow.From(entity));
        }

        return rows;
    }

    /// <summary>One tenant's placement row, or null.</summary>
    public async Task<TenantPlacementRow?> TenantAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TenantPartition, tenant, cancellationToken: cancellationToken);
        return row.HasValue ? TenantPlacementRow.From(row.Value!) : null;
    }

    /// <summary>The tenant's row, created at epoch 1 with its configured home and writer when it has none yet.</summary>
    public async Task<TenantPlacementRow> EnsureTenantAsync(string tenant, string home, string writer, CancellationToken cancellationToken = default)
    {
        if (await TenantAsync(tenant, cancellationToken) is { } existing)
        {
            return existing;
        }

        var entity = new TableEntity(TenantPartition, tenant)
        {
            ["Home"] = home,
            ["Writer"] = writer,
            ["Epoch"] = 1L,
            ["Degraded"] = false,
        };
        try
        {
            var response = await table.AddEntityAsync(entity, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return TenantPlacementRow.From(entity);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return await TenantAsync(tenant, cancellationToken) ?? throw new InvalidOperationException($"The placement of tenant {tenant} vanished while it was created.");
        }
    }

    /// <summary>
    /// Replaces a tenant's row if it is still <paramref name="expected"/> (its ETag); returns the new row, or
    /// null when the row changed meanwhile (the caller reads it again and decides anew).
    /// </summary>
    public async Task<TenantPlacementRow?> TryReplaceAsync(TenantPlacementRow expected, TenantPlacementRow next, CancellationToken cancellationToken = default)
    {
        var entity = next.ToEntity(TenantPartition);
        try
        {
            var response = await table.UpdateEntityAsync(entity, expected.ETag, TableUpdateMode.Replace, cancellationToken);
            return next with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }
}

/// <summary>
/// A tenant's row at the witness. <see cref="MovedAt"/>, <see cref="MovedFrom"/> and <see cref="MoveReason"/>
/// name the last change of writer (an automatic failover, a promotion or a failback), so that the region
/// that lost the tenant can record it in its own trail when it sees it, and no second automatic failover
/// follows within the configured period.
/// </summary>
public sealed record TenantPlacementRow(string Tenant, string Home, string Writer, long Epoch, bool Degraded, DateTimeOffset? DegradedSince, ETag ETag)
{
    /// <summary>When the writer last changed (null: never since the row was created).</summary>
    public DateTimeOffset? MovedAt { get; init; }

    /// <summary>The writer before the last change.</summary>
    public string? MovedFrom { get; init; }

    /// <summary>Why the writer last changed: <c>failover</c>, <c>promote</c> or <c>failback</c>, with the operator's or monitor's reason.</summary>
    public string? MoveReason { get; init; }

    /// <summary>
    /// The regions (comma-separated) that have recorded the last change of writer in their own trail and
    /// re-armed or dropped the tenant's deadlines accordingly; a change is new to a region not named here.
    /// </summary>
    public string? MoveAcknowledged { get; init; }

    /// <summary>Whether <paramref name="region"/> is one of the tenant's home pair.</summary>
    public bool LivesIn(string region) => Home.Split(',').Contains(region, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="region"/> has recorded the last change of writer.</summary>
    public bool MoveAcknowledgedBy(string region) =>
        MoveAcknowledged?.Split(',').Contains(region, StringComparer.Ordinal) == true;

    /// <summary>Whether the last change of writer was an automatic failover.</summary>
    public bool MovedAutomatically => MoveReason?.StartsWith("failover", StringComparison.Ordinal) == true;

    internal static TenantPlacementRow From(TableEntity e) => new(
        e.RowKey,
        e.GetString("Home") ?? "",
        e.GetString("Writer") ?? "",
        e.GetInt64("Epoch") ?? 0,
        e.GetBoolean("Degraded") ?? false,
        e.GetDateTimeOffset("DegradedSince"),
        e.ETag)
    {
        MovedAt = e.GetDateTimeOffset("MovedAt"),
        MovedFrom = e.GetString("MovedFrom"),
        MoveReason = e.GetString("MoveReason"),
        MoveAcknowledged = e.GetString("MoveAcknowledged"),
    };

    internal TableEntity ToEntity(string partition) => new(partition, Tenant)
    {
        ["Home"] = Home,
        ["Writer"] = Writer,
        ["Epoch"] = Epoch,
        ["Degraded"] = Degraded,
        ["DegradedSince"] = DegradedSince,
        ["MovedAt"] = MovedAt,
        ["MovedFrom"] = MovedFrom,
        ["MoveReason"] = MoveReason,
        ["MoveAcknowledged"] = MoveAcknowledged,
    };
}
