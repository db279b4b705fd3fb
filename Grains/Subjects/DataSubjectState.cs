using System.Collections.Immutable;
using Custodian.Storage;

namespace Custodian.Subjects;

/// <summary>What a DataSubject grain persists: its records by category, or that it was erased.</summary>
[GenerateSerializer, Alias("Custodian.Subjects.DataSubjectState")]
public sealed class DataSubjectState : IErasableState
{
    /// <summary>Records by category name.</summary>
    [Id(0)]
    public ImmutableSortedDictionary<string, StoredRecord> Records { get; set; } = ImmutableSortedDictionary<string, StoredRecord>.Empty;

    /// <summary>Set once the subject was crypto-shredded; the storage sets it on every read afterwards.</summary>
    [Id(1)]
    public ErasureRecord? Erasure { get; set; }
}
