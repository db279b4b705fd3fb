using System.Collections.Immutable;

namespace Custodian.Keys;

/// <summary>Progress of the region's key-encryption-key rotation.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Keys.RotationStatus")]
public sealed record RotationStatus(
    [property: Id(0)] RotationPhase Phase,
    [property: Id(1)] string CurrentKekId,
    [property: Id(2)] string? TargetKekId,
    [property: Id(3)] long Done,
    [property: Id(4)] long Remaining,
    [property: Id(5)] int Passes,
    [property: Id(6)] DateTimeOffset? StartedAt,
    [property: Id(7)] DateTimeOffset? CompletedAt,
    [property: Id(8)] string? StartedBy,
    [property: Id(9)] ImmutableArray<string> RetiredKekIds,
    [property: Id(10)] ImmutableArray<string> KekIds);
