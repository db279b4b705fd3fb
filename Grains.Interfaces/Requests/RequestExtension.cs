namespace Custodian.Requests;

/// <summary>
/// The Art. 12(3) extension: further calendar months (1 or 2 in total), its reasons (personal data: never
/// logged or audited) and when the subject was told of them.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Requests.RequestExtension")]
public sealed record RequestExtension(
    [property: Id(0)] int Months,
    [property: Id(1)] string Reasons,
    [property: Id(2)] DateTimeOffset InformedAt)
{
    /// <summary>Never shows the reasons.</summary>
    public override string ToString() => $"RequestExtension {{ Months = {Months}, InformedAt = {InformedAt:O} }}";
}
