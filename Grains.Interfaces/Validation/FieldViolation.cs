namespace Custodian.Validation;

/// <summary>One invalid field of a request: which field, and what is wrong with it (never its value).</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Validation.FieldViolation")]
public sealed record FieldViolation([property: Id(0)] string Field, [property: Id(1)] string Description);
