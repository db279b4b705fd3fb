using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Regions;

/// <summary>
/// The outcome of a promotion: the tenant's old and new writer and new epoch and the loss it accepted, or
/// why it was refused (<see cref="Refusal"/>), or the input's violations.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Regions.PromotionResult")]
public sealed record PromotionResult(
    [property: Id(0)] string Tenant,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] long Epoch,
    [property: Id(4)] string Loss,
    [property: Id(5)] string? Refusal = null,
    [property: Id(6)] ImmutableArray<FieldViolation> Violations = default);
