using Azure;
using Azure.Data.Tables;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Regions;

/// <summary>Compares what two regions' storage accounts hold, table by table, row by row.</summary>
public static class RegionCopies
{
    /// <summary>The tables whose rows must be identical in both regions (keys are wrapped per region, so compared by key id).</summary>
    public static readonly string[] Mirrored = ["CustodianState", "CustodianTombstones", "CustodianShredReceipts", "CustodianAudit"];

    /// <summary>Every row of a table, by partition and row key, without the service's own properties.</summary>
    public static async Task<Dictionary<(string, string), Dictionary<string, object>>> RowsAsync(AzuriteServer azurite, string table, Func<TableEntity, bool>? where = null)
    {
        var rows = new Dictionary<(string, string), Dictionary<string, object>>();
        try
        {
            await foreach (var row in azurite.Tables.GetTableClient(table).QueryAsync<TableEntity>())
            {
                if (where is null || where(row))
                {
                    rows[(row.PartitionKey, row.RowKey)] = row.Where(p => p.Key is not ("odata.etag" or "Timestamp" or "PartitionKey" or "RowKey"))
                        .ToDictionary(p => p.Key, p => p.Value);
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // no such table: no rows
        }

        return rows;
    }

    /// <summary>
    /// The differences between two regions: rows of <see cref="Mirrored"/> tables missing or different in the
    /// pair (byte for byte), and data keys whose ids differ. Returns the differences and the rows compared.
    /// </summary>
    public static async Task<(List<string> Differences, Dictionary<string, int> Compared)> CompareAsync(AzuriteServer own, AzuriteServer pair)
    {
        var differences = new List<string>();
        var compared = new Dictionary<string, int>();
        foreach (var table in Mirrored)
        {
            var mine = await RowsAsync(own, table);
            var theirs = await RowsAsync(pair, table);
            compared[table] = mine.Count;
            foreach (var (key, properties) in mine)
            {
                if (!theirs.TryGetValue(key, out var copy))
                {
                    differences.Add($"{table} {key}: missing in the pair");
                }
                else if (!Same(properties, copy))
                {
                    differences.Add($"{table} {key}: differs");
                }
            }

            differences.AddRange(theirs.Keys.Where(k => !mine.ContainsKey(k)).Select(k => $"{table} {k}: only in the pair"));
        }

        var keys = await RowsAsync(own, "CustodianKeys");
        var pairKeys = await RowsAsync(pair, "CustodianKeys");
        compared["CustodianKeys"] = keys.Count;
        foreach (var (key, properties) in keys)
        {
            if (!pairKeys.TryGetValue(key, out var copy) || !Equals(copy["KeyId"], properties["KeyId"]))
            {
                differences.Add($"CustodianKeys {key}: missing or another key in the pair");
            }
        }

        differences.AddRange(pairKeys.Keys.Where(k => !keys.ContainsKey(k)).Select(k => $"CustodianKeys {k}: only in the pair"));
        return (differences, compared);
    }

    private static bool Same(Dictionary<string, object> a, Dictionary<string, object> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && (p.Value is byte[] x && v is byte[] y ? x.AsSpan().SequenceEqual(y) : Equals(p.Value, v)));
}
