using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;

namespace Custodian.Tests.Infrastructure;

/// <summary>Direct access to the envelopes the secure storage wrote to Azurite, for tampering tests.</summary>
public sealed class StoredEnvelopes(AzuriteServer azurite)
{
    private TableClient States => azurite.Tables.GetTableClient("CustodianState");

    /// <summary>The state row of one subject (its partition key contains the grain id).</summary>
    public async Task<TableEntity> FindAsync(string tenant, string subject)
    {
        var marker = $"{tenant}";
        await foreach (var entity in States.QueryAsync<TableEntity>())
        {
            if (entity.PartitionKey.Contains(marker, StringComparison.Ordinal) && entity.PartitionKey.EndsWith(subject, StringComparison.Ordinal))
            {
                return entity;
            }
        }

        throw new InvalidOperationException("No stored state for the subject.");
    }

    /// <summary>The partition key of a grain's state rows (and of its version record), as the storage writes it.</summary>
    public static string StateKey(string grainId) => Custodian.Silo.Regions.TableRows.StateKey("custodian", grainId);

    /// <summary>The state row of a grain in <paramref name="azurite"/>, or null.</summary>
    public static async Task<TableEntity?> RowOfAsync(AzuriteServer azurite, string grainId)
    {
        var key = StateKey(grainId);
        await foreach (var row in azurite.Tables.GetTableClient("CustodianState").QueryAsync<TableEntity>(r => r.PartitionKey == key))
        {
            return row;
        }

        return null;
    }

    /// <summary>The envelope JSON in a state row.</summary>
    public static JsonObject Envelope(TableEntity entity) => JsonNode.Parse(entity.GetBinary("Data"))!.AsObject();

    /// <summary>Replaces a state row's envelope, keeping its keys.</summary>
    public async Task ReplaceAsync(TableEntity entity, JsonObject envelope)
    {
        var updated = new TableEntity(entity.PartitionKey, entity.RowKey) { ["Data"] = System.Text.Encoding.UTF8.GetBytes(envelope.ToJsonString()) };
        await States.UpdateEntityAsync(updated, ETag.All, TableUpdateMode.Replace);
    }

    /// <summary>A copy of <paramref name="envelope"/> with one bit of a base64 field flipped.</summary>
    public static JsonObject FlipBit(JsonObject envelope, string field, int bit)
    {
        var bytes = Convert.FromBase64String(envelope[field]!.GetValue<string>());
        bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        var copy = envelope.DeepClone().AsObject();
        copy[field] = Convert.ToBase64String(bytes);
        return copy;
    }
}
