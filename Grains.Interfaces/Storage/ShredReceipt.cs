using System.Collections.Immutable;

namespace Custodian.Storage;

/// <summary>
/// Proof that a grain's data was crypto-shredded: what (grain id and data-key id), when, by whom,
/// why, and which stores were cleared. Grain ids are pseudonyms: a receipt holds no personal data.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Storage.ShredReceipt")]
public sealed record ShredReceipt(
    [property: Id(0)] string ReceiptId,
    [property: Id(1)] string GrainId,
    [property: Id(2)] string KeyId,
    [property: Id(3)] DateTimeOffset ShreddedAt,
    [property: Id(4)] string Actor,
    [property: Id(5)] string Reason,
    [property: Id(6)] ImmutableArray<string> StoresCleared);
