using Custodian.Storage;

namespace Custodian.Subjects;

/// <summary>The outcome of reading a record: the record, nothing (no such category), or that the subject was erased.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.RecordLookup")]
public sealed record RecordLookup([property: Id(0)] StoredRecord? Record, [property: Id(1)] ErasureRecord? Erasure)
{
    /// <summary>Never shows values; see <see cref="PersonalDataRecord.ToString"/>.</summary>
    public override string ToString() => $"RecordLookup {{ {Record?.ToString() ?? "none"}, Erased = {Erasure is not null} }}";
}
