using System.Collections.Immutable;
using Custodian.Storage;

namespace Custodian.Subjects;

/// <summary>
/// Everything held about a subject, for an Art. 15 access or Art. 20 portability export: its records
/// (for portability only those the subject provided), recipients by category, restriction,
/// objections, legal hold; or, for an erased subject, only the tombstone.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.SubjectExport")]
public sealed record SubjectExport(
    [property: Id(0)] ImmutableArray<StoredRecord> Records,
    [property: Id(1)] ImmutableSortedDictionary<string, ImmutableArray<Recipient>> Recipients,
    [property: Id(2)] Restriction? Restriction,
    [property: Id(3)] ImmutableArray<Objection> Objections,
    [property: Id(4)] LegalHold? Hold,
    [property: Id(5)] ErasureRecord? Erasure)
{
    /// <summary>Never shows values.</summary>
    public override string ToString() => $"SubjectExport {{ Records = {Records.Length} redacted, Erased = {Erasure is not null} }}";
}
