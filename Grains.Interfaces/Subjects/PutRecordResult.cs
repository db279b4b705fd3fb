using System.Collections.Immutable;
using Custodian.Storage;
using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>
/// The outcome of storing a record: stored at a time, rejected with the invalid fields, or refused
/// because the subject was erased (an erased pseudonym is never written again).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.PutRecordResult")]
public sealed record PutRecordResult(
    [property: Id(0)] DateTimeOffset? UpdatedAt,
    [property: Id(1)] ImmutableArray<FieldViolation> Violations,
    [property: Id(2)] ErasureRecord? Erasure = null)
{
    /// <summary>True when the record was stored.</summary>
    public bool Stored => UpdatedAt is not null;

    /// <summary>The record was stored.</summary>
    public static PutRecordResult StoredAt(DateTimeOffset updatedAt) => new(updatedAt, []);

    /// <summary>The record was not stored; nothing changed.</summary>
    public static PutRecordResult Rejected(IEnumerable<FieldViolation> violations) => new(null, [.. violations]);

    /// <summary>The subject was erased; nothing changed.</summary>
    public static PutRecordResult Erased(ErasureRecord erasure) => new(null, [], erasure);
}
