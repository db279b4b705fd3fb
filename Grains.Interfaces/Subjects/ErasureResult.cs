using System.Collections.Immutable;
using Custodian.Storage;
using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>
/// The outcome of an erasure request (Art. 17). Without a legal hold the subject is crypto-shredded
/// and <see cref="Erasure"/> is its tombstone and receipt (the same on every later request). Under a
/// hold that covers everything nothing is erased; under a hold on some categories the others are
/// removed (<see cref="ErasedCategories"/>) and the held ones kept (<see cref="KeptCategories"/>).
/// Invalid input (<see cref="Violations"/>) erases nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.ErasureResult")]
public sealed record ErasureResult(
    [property: Id(0)] ErasureRecord? Erasure,
    [property: Id(1)] ImmutableArray<string> ErasedCategories,
    [property: Id(2)] ImmutableArray<string> KeptCategories,
    [property: Id(3)] LegalHold? Hold,
    [property: Id(4)] int NoticesQueued = 0,
    [property: Id(5)] ImmutableArray<FieldViolation> Violations = default)
{
    /// <summary>The input is not valid, field by field; nothing was erased.</summary>
    public static ErasureResult Invalid(IEnumerable<FieldViolation> violations) => new(null, [], [], null, Violations: [.. violations]);
}
