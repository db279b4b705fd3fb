namespace Custodian.Subjects;

/// <summary>One category held about a subject, without its values.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.CategorySummary")]
public sealed record CategorySummary(
    [property: Id(0)] string Category,
    [property: Id(1)] string Purpose,
    [property: Id(2)] LegalBasis LegalBasis,
    [property: Id(3)] int FieldCount,
    [property: Id(4)] DateTimeOffset UpdatedAt);
