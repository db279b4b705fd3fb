using System.Collections.Immutable;
using Custodian.Storage;

namespace Custodian.Subjects;

/// <summary>The recipients of each category of a subject's data (Art. 19), or that the subject was erased.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.RecipientListing")]
public sealed record RecipientListing(
    [property: Id(0)] ImmutableSortedDictionary<string, ImmutableArray<Recipient>> Recipients,
    [property: Id(1)] ErasureRecord? Erasure);
