namespace Custodian.Subjects;

/// <summary>A record as stored, with the time it was last written.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.StoredRecord")]
public sealed record StoredRecord([property: Id(0)] PersonalDataRecord Record, [property: Id(1)] DateTimeOffset UpdatedAt)
{
    /// <summary>Never shows the values; see <see cref="PersonalDataRecord.ToString"/>.</summary>
    public override string ToString() => $"StoredRecord {{ {Record}, UpdatedAt = {UpdatedAt:O} }}";
}
