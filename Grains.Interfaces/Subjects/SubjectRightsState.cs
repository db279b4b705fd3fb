using System.Collections.Immutable;
using Custodian.Storage;

namespace Custodian.Subjects;

/// <summary>
/// Where a subject's rights stand, without any of its data: erased or not, restricted or not, the
/// purposes objected to, a legal hold. What a request's outcome is checked against.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.SubjectRightsState")]
public sealed record SubjectRightsState(
    [property: Id(0)] ErasureRecord? Erasure,
    [property: Id(1)] Restriction? Restriction,
    [property: Id(2)] ImmutableArray<string> ObjectedPurposes,
    [property: Id(3)] LegalHold? Hold);
