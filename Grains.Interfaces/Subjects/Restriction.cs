namespace Custodian.Subjects;

/// <summary>That processing of the subject's data is restricted (Art. 18): on what ground, since when, by whom.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.Restriction")]
public sealed record Restriction(
    [property: Id(0)] RestrictionGround Ground,
    [property: Id(1)] DateTimeOffset Since,
    [property: Id(2)] string By);
