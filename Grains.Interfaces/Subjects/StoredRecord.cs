namespace Custodian.Subjects;

/// <summary>
/// A record as stored, with the time it was last written and its <see cref="Version"/>: the subject's
/// change counter when it was written, so a later write of the record always has a higher one (0 for
/// records written before versions were kept).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.StoredRecord")]
public sealed record StoredRecord([property: Id(0)] PersonalDataRecord Record, [property: Id(1)] DateTimeOffset UpdatedAt, [property: Id(2)] long Version = 0)
{
    /// <summary>Never shows the values; see <see cref="PersonalDataRecord.ToString"/>.</summary>
    public override string ToString() => $"StoredRecord {{ {Record}, UpdatedAt = {UpdatedAt:O}, Version = {Version} }}";
}
