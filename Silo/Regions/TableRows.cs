using System.Text.Json.Nodes;
using Azure.Data.Tables;

namespace Custodian.Silo.Regions;

/// <summary>Table rows as replication copies them: every property as stored, without the service's own.</summary>
internal static class TableRows
{
    /// <summary>A row as stored, without its ETag and timestamp (which the target account assigns).</summary>
    public static TableEntity Copy(TableEntity row)
    {
        var copy = new TableEntity(row.PartitionKey, row.RowKey);
        foreach (var (name, value) in row)
        {
            if (name is not ("odata.etag" or "PartitionKey" or "RowKey" or "Timestamp"))
            {
                copy[name] = value;
            }
        }

        return copy;
    }

    /// <summary>Whether two rows hold the same properties, byte for byte.</summary>
    public static bool Same(TableEntity a, TableEntity b)
    {
        var x = Copy(a);
        var y = Copy(b);
        return x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var v)
            && (p.Value is byte[] m && v is byte[] n ? m.AsSpan().SequenceEqual(n) : Equals(p.Value, v)));
    }

    /// <summary>The envelope JSON of a state row (its data may be split over Data, Data1, …).</summary>
    public static JsonNode? EnvelopeOf(TableEntity row)
    {
        var parts = new List<byte[]>();
        for (var i = 0; row.GetBinary(i == 0 ? "Data" : $"Data{i}") is { } part; i++)
        {
            parts.Add(part);
        }

        try
        {
            return parts.Count == 0 ? null : JsonNode.Parse(parts.SelectMany(p => p).ToArray());
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // not an envelope: compared as bytes only
        }
    }

    /// <summary>The partition key the Azure Table grain storage gives a grain's state row (its key, sanitised as the provider does).</summary>
    public static string StateKey(string serviceId, string grainId) =>
        $"{serviceId}_{grainId}".Replace('/', '_').Replace('\\', '_').Replace('#', '_').Replace('?', '_');
}
