using Custodian.Storage;

namespace Custodian.Subjects;

/// <summary>
/// The outcome of reading a record: the record, nothing (no such category), that the subject was
/// erased, or that the read was refused for its purpose (restriction, objection); then no record.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.RecordLookup")]
public sealed record RecordLookup(
    [property: Id(0)] StoredRecord? Record,
    [property: Id(1)] ErasureRecord? Erasure,
    [property: Id(2)] ReadRefusal Refusal = ReadRefusal.None)
{
    /// <summary>Never shows values; see <see cref="PersonalDataRecord.ToString"/>.</summary>
    public override string ToString() => $"RecordLookup {{ {Record?.ToString() ?? "none"}, Erased = {Erasure is not null}, Refusal = {Refusal} }}";
}
