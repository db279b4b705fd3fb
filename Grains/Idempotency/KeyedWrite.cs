namespace Custodian.Idempotency;

/// <summary>
/// A write made under an idempotency key, as a grain keeps it in its state (written with the change it made): the key,
/// a digest of what the write asked for (so a repeat can be told from a different write under the same key) and when it
/// was made (the first result, which a repeat is answered with).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Idempotency.KeyedWrite")]
public sealed record KeyedWrite([property: Id(0)] string Key, [property: Id(1)] string Fingerprint, [property: Id(2)] DateTimeOffset At);
