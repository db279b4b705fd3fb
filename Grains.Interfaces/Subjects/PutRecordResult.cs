using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>The outcome of storing a record: stored at a time, or rejected with the invalid fields.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.PutRecordResult")]
public sealed record PutRecordResult(
    [property: Id(0)] DateTimeOffset? UpdatedAt,
    [property: Id(1)] ImmutableArray<FieldViolation> Violations)
{
    /// <summary>True when the record was stored.</summary>
    public bool Stored => UpdatedAt is not null;

    /// <summary>The record was stored.</summary>
    public static PutRecordResult StoredAt(DateTimeOffset updatedAt) => new(updatedAt, []);

    /// <summary>The record was not stored; nothing changed.</summary>
    public static PutRecordResult Rejected(IEnumerable<FieldViolation> violations) => new(null, [.. violations]);
}
