namespace Custodian.Requests;

/// <summary>A warning issued <see cref="Before"/> the due date <see cref="DueAt"/> it was issued for.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Requests.DeadlineWarning")]
public sealed record DeadlineWarning(
    [property: Id(0)] TimeSpan Before,
    [property: Id(1)] DateTimeOffset DueAt,
    [property: Id(2)] DateTimeOffset IssuedAt);
