using Custodian.Validation;

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
    /// <summary>Longest reason; the shred receipt keeps it.</summary>
    public const int MaxReasonLength = 256;

    /// <summary>Checks why an erasure is made: required, at most <see cref="MaxReasonLength"/> characters.</summary>
    public static void CheckReason(string? reason, string field, List<FieldViolation> violations) =>
        Texts.CheckRequired(reason, field, MaxReasonLength, violations);

    /// <summary>A new erasure by <paramref name="actor"/>, with a fresh receipt id.</summary>
    public static ErasureRecord New(DateTimeOffset at, string actor, string reason) =>
        new(at, $"shred-{at:yyyyMMddHHmmss}-{Guid.NewGuid():N}", actor, reason);
}
