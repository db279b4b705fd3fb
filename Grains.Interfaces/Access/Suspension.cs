namespace Custodian.Access;

/// <summary>Why and since when a principal's grants are suspended (by a security alert), until an officer lifts it.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.Suspension")]
public sealed record Suspension(
    [property: Id(0)] string AlertId,
    [property: Id(1)] string Rule,
    [property: Id(2)] DateTimeOffset Since);
