using System.Text;
using Azure.Data.Tables;

namespace Custodian.Tests.Infrastructure;

/// <summary>Searches everything the audit store holds, text and binary columns (segments are UTF-8 JSON), for a string.</summary>
public static class AuditStoreText
{
    public static async Task<bool> ContainsAsync(TableServiceClient tables, string needle)
    {
        await foreach (var row in tables.GetTableClient("CustodianAudit").QueryAsync<TableEntity>())
        {
            foreach (var (_, value) in row)
            {
                var text = value switch
                {
                    byte[] bytes => Encoding.UTF8.GetString(bytes),
                    BinaryData data => data.ToString(),
                    _ => value?.ToString(),
                };
                if (text?.Contains(needle, StringComparison.Ordinal) == true)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
