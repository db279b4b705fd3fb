using System.Collections.Immutable;
using Custodian.Storage;

namespace Custodian.Subjects;

/// <summary>The categories held about a subject, or that the subject was erased (then there are none).</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.CategoryListing")]
public sealed record CategoryListing([property: Id(0)] ImmutableArray<CategorySummary> Categories, [property: Id(1)] ErasureRecord? Erasure);
