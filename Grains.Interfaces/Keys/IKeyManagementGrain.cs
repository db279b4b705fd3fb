using Custodian.Storage;

namespace Custodian.Keys;

/// <summary>
/// Key management of one region (keyed by region name): key-encryption-key rotation with its
/// resumable rewrap job, and shred receipts.
/// </summary>
[Alias("Custodian.Keys.IKeyManagementGrain")]
public interface IKeyManagementGrain : IGrainWithStringKey
{
    /// <summary>Adds a new KEK version and starts rewrapping every data key to it; refused while a rotation runs.</summary>
    [Alias("Rotate")]
    Task<RotateResult> RotateAsync(string actor);

    /// <summary>The rotation's progress: done and remaining data keys, versions in use and retired.</summary>
    [Alias("GetRotationStatus")]
    Task<RotationStatus> GetRotationStatusAsync();

    /// <summary>A shred receipt by id, or null.</summary>
    [Alias("GetShredReceipt")]
    Task<ShredReceipt?> GetShredReceiptAsync(string receiptId);
}
