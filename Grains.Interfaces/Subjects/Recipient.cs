namespace Custodian.Subjects;

/// <summary>
/// A recipient to whom a category of the subject's data is disclosed (Art. 15(1)(c), 19): who, the
/// address that Art. 19 notifications go to, and the country when it is outside the EU/EEA.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.Recipient")]
public sealed record Recipient(
    [property: Id(0)] string Name,
    [property: Id(1)] string Email,
    [property: Id(2)] string? ThirdCountry = null)
{
    /// <summary>Longest name or country.</summary>
    public const int MaxTextLength = 200;

    /// <summary>Shows the name only, never the address.</summary>
    public override string ToString() => $"Recipient {{ Name = {Name}, ThirdCountry = {ThirdCountry ?? "-"} }}";
}
