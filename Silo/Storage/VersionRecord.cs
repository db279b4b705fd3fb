using System.Globalization;
using Azure.Data.Tables;
using Custodian.Hosting;
using Custodian.Silo.Regions;

namespace Custodian.Silo.Storage;

/// <summary>
/// The authenticated version record (<c>SecureStorage:VersionRecord</c>, off by default): after every write of a
/// state, its stamp with a MAC under the integrity key, in the witness's account, not the states' own. An activation
/// reads it alongside the state, so a rollback shows even when the states were rolled back in both regions, or in a
/// deployment whose pair cannot serve as the record. It costs one more write per state write and one more read per
/// activation. Written after the state, so a crash between the two leaves the record behind (which passes), never ahead.
/// </summary>
public sealed class VersionRecord(TableClient table, AuditKeys integrity, string serviceId)
{
    /// <summary>The table in the witness's account.</summary>
    public const string TableName = "CustodianVersions";

    /// <summary>Creates the table when it does not exist.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>Records that <paramref name="stamp"/> is the latest write of the grain's state.</summary>
    public Task RecordAsync(string grainId, string stateName, EnvelopeStamp stamp) =>
        table.UpsertEntityAsync(new TableEntity(TableRows.StateKey(serviceId, grainId), stateName)
        {
            ["Epoch"] = stamp.Epoch,
            ["Version"] = stamp.Version,
            ["Writer"] = stamp.Writer,
            ["Mac"] = integrity.Authenticate("version-record", Fields(grainId, stateName, stamp)),
        }, TableUpdateMode.Replace);

    /// <summary>The recorded stamp and whether its MAC holds, or null when none is recorded.</summary>
    public async Task<(EnvelopeStamp Stamp, bool Authentic)?> ReadAsync(string grainId, string stateName)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableRows.StateKey(serviceId, grainId), stateName);
        if (!row.HasValue)
        {
            return null;
        }

        var stamp = new EnvelopeStamp(row.Value!.GetInt64("Epoch") ?? 0, row.Value.GetInt64("Version") ?? 0, row.Value.GetString("Writer") ?? "");
        return (stamp, integrity.IsAuthentic(row.Value.GetString("Mac"), "version-record", Fields(grainId, stateName, stamp)));
    }

    private string[] Fields(string grainId, string stateName, EnvelopeStamp stamp) =>
    [
        serviceId, grainId, stateName, stamp.Epoch.ToString(CultureInfo.InvariantCulture), stamp.Version.ToString(CultureInfo.InvariantCulture), stamp.Writer,
    ];
}
