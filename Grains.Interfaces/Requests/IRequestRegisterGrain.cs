using System.Collections.Immutable;

namespace Custodian.Requests;

/// <summary>
/// A tenant's register of open requests (keyed by tenant), kept up to date by the request grains, so the
/// officer lists open, due-soon and overdue requests without scanning storage.
/// </summary>
[Alias("Custodian.Requests.IRequestRegisterGrain")]
public interface IRequestRegisterGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces an open request's summary.</summary>
    [Alias("Upsert")]
    Task UpsertAsync(RequestSummary summary);

    /// <summary>Removes a closed request.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string requestId);

    /// <summary>The open requests matching <paramref name="listing"/>, soonest due first.</summary>
    [Alias("List")]
    Task<ImmutableArray<RequestSummary>> ListAsync(RequestListing listing);
}
