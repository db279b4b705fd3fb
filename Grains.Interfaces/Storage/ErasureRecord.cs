namespace Custodian.Storage;

/// <summary>
/// That a grain's data was crypto-shredded: when, the receipt that proves it, and (when the grain
/// asked for it) who and why. It never holds any of the erased data.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Storage.ErasureRecord")]
public sealed record ErasureRecord(
    [property: Id(0)] DateTimeOffset ErasedAt,
    [property: Id(1)] string ReceiptId,
    [property: Id(2)] string Actor,
    [property: Id(3)] string Reason)
{
    /// <summary>A new erasure by <paramref name="actor"/>, with a fresh receipt id.</summary>
    public static ErasureRecord New(DateTimeOffset at, string actor, string reason) =>
        new(at, $"shred-{at:yyyyMMddHHmmss}-{Guid.NewGuid():N}", actor, reason);
}
