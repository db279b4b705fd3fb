using System.Collections.Immutable;
using Custodian.Storage;
using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>
/// The outcome of making a planned rectification of one category (Art. 16): the changes made, or the
/// invalid input (no such category or field, an invalid value), or that the subject was erased, or that
/// the record changed after the plan was made (<see cref="ChangedMeanwhile"/>). Nothing changes unless
/// every field is valid and the record is still the one planned from.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.RectificationResult")]
public sealed record RectificationResult(
    [property: Id(0)] DateTimeOffset? At,
    [property: Id(1)] ImmutableArray<FieldViolation> Violations,
    [property: Id(2)] ErasureRecord? Erasure,
    [property: Id(3)] ImmutableArray<FieldChange> Changes,
    [property: Id(4)] int NoticesQueued = 0,
    [property: Id(5)] bool NoSuchCategory = false,
    [property: Id(6)] bool ChangedMeanwhile = false)
{
    /// <summary>True when the fields were changed.</summary>
    public bool Done => At is not null;

    /// <summary>Never shows values; see <see cref="FieldChange.ToString"/>.</summary>
    public override string ToString() => $"RectificationResult {{ Done = {Done}, Changes = {Changes.Length}, Violations = {Violations.Length}, Erased = {Erasure is not null}, ChangedMeanwhile = {ChangedMeanwhile} }}";
}
