namespace Custodian.Access;

/// <summary>
/// The outcome of lifting a suspension: the suspension lifted, nothing to lift (both null), or a
/// <see cref="Refusal"/> when the officer may not lift it (itself suspended, or lifting its own).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.ResumeResult")]
public sealed record ResumeResult(
    [property: Id(0)] Suspension? Lifted,
    [property: Id(1)] string? Refusal);
