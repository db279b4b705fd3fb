using System.Collections.Immutable;

namespace Custodian.Subjects;

/// <summary>What a DataSubject grain persists: its records by category.</summary>
[GenerateSerializer, Alias("Custodian.Subjects.DataSubjectState")]
public sealed class DataSubjectState
{
    /// <summary>Records by category name.</summary>
    [Id(0)]
    public ImmutableSortedDictionary<string, StoredRecord> Records { get; set; } = ImmutableSortedDictionary<string, StoredRecord>.Empty;
}
