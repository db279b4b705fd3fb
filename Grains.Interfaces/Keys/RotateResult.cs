namespace Custodian.Keys;

/// <summary>The outcome of asking for a rotation: started, or refused because one is still running.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Keys.RotateResult")]
public sealed record RotateResult([property: Id(0)] bool Started, [property: Id(1)] RotationStatus Status);
