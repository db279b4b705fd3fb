using Custodian.Storage;

namespace Custodian.Keys;

/// <summary>
/// What key management needs from the silo's key storage (implemented by the silo over its key
/// ring, key table and shred ledger), so grains never reference hosting code.
/// </summary>
public interface IKeyCustody
{
    /// <summary>The KEK version that wraps new data keys.</summary>
    string CurrentKekId { get; }

    /// <summary>Every KEK version that can still unwrap.</summary>
    IReadOnlyList<string> KekIds { get; }

    /// <summary>Adds a KEK version and makes it current; returns its id.</summary>
    Task<string> AddKekVersionAsync();

    /// <summary>Retires a KEK version no data key uses.</summary>
    Task RetireKekVersionAsync(string kekId);

    /// <summary>Rewraps one page of data keys not wrapped by <paramref name="targetKekId"/>; null continuation after the last page.</summary>
    Task<(int Rewrapped, string? Continuation)> RewrapPageAsync(string targetKekId, string? continuation, int pageSize);

    /// <summary>How many data keys each KEK version wraps.</summary>
    Task<IReadOnlyDictionary<string, long>> CountDataKeysByKekAsync();

    /// <summary>The KEK version that wraps the grain's data key, or null when it has none (never written, or shredded).</summary>
    Task<string?> KekIdOfAsync(string grainId);

    /// <summary>A shred receipt by id, or null.</summary>
    Task<ShredReceipt?> GetShredReceiptAsync(string receiptId);
}
