using System.Collections.Immutable;
using Custodian.Storage;
using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>
/// The outcome of storing a record: stored at a time (now, or by an earlier write under the same idempotency key:
/// <see cref="Replayed"/>), rejected with the invalid fields, refused because the subject was erased (an erased
/// pseudonym is never written again), or refused because the idempotency key was used for a different record.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.PutRecordResult")]
public sealed record PutRecordResult(
    [property: Id(0)] DateTimeOffset? UpdatedAt,
    [property: Id(1)] ImmutableArray<FieldViolation> Violations,
    [property: Id(2)] ErasureRecord? Erasure = null,
    [property: Id(3)] bool Replayed = false,
    [property: Id(4)] bool KeyReused = false)
{
    /// <summary>True when the record was stored (by this call, or by the earlier one this call repeats).</summary>
    public bool Stored => UpdatedAt is not null;

    /// <summary>The record was stored.</summary>
    public static PutRecordResult StoredAt(DateTimeOffset updatedAt) => new(updatedAt, []);

    /// <summary>An earlier write under the same idempotency key stored this record at <paramref name="updatedAt"/>; nothing was written now.</summary>
    public static PutRecordResult RepeatOf(DateTimeOffset updatedAt) => new(updatedAt, [], Replayed: true);

    /// <summary>The idempotency key was used for a different record; nothing changed.</summary>
    public static PutRecordResult KeyUsedForAnotherRecord() => new(null, [], KeyReused: true);

    /// <summary>The record was not stored; nothing changed.</summary>
    public static PutRecordResult Rejected(IEnumerable<FieldViolation> violations) => new(null, [.. violations]);

    /// <summary>The subject was erased; nothing changed.</summary>
    public static PutRecordResult Erased(ErasureRecord erasure) => new(null, [], erasure);
}
