using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Access;

/// <summary>
/// The outcome of lifting a suspension: the suspension lifted, nothing to lift (all empty), invalid input
/// (<see cref="Violations"/>), or a <see cref="Refusal"/> when the officer may not lift it (itself suspended, or
/// lifting its own). Only a lifted suspension changed anything.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.ResumeResult")]
public sealed record ResumeResult(
    [property: Id(0)] Suspension? Lifted,
    [property: Id(1)] string? Refusal,
    [property: Id(2)] ImmutableArray<FieldViolation> Violations = default);
