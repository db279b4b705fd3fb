namespace Custodian.Storage;

/// <summary>
/// This region may not read or write the data of a grain right now: it is not the writer region of the
/// grain's tenant, its lease at the witness has run out, the tenant has no placement, or a newer copy of
/// the state exists (a stale writer). Nothing was written. The message names tenants and regions only.
/// </summary>
[GenerateSerializer, Alias("Custodian.Storage.RegionFencedException")]
public sealed class RegionFencedException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public RegionFencedException(string message) : base(message)
    {
    }
}
