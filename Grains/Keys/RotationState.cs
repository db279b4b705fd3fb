using System.Collections.Immutable;

namespace Custodian.Keys;

/// <summary>What the key-management grain persists: the rotation and how far its rewrap got.</summary>
[GenerateSerializer, Alias("Custodian.Keys.RotationState")]
public sealed class RotationState
{
    [Id(0)]
    public RotationPhase Phase { get; set; }

    [Id(1)]
    public string? TargetKekId { get; set; }

    /// <summary>Where the current pass over the key table continues; null at the start of a pass.</summary>
    [Id(2)]
    public string? Continuation { get; set; }

    [Id(3)]
    public long Done { get; set; }

    [Id(4)]
    public long Remaining { get; set; }

    /// <summary>Passes over the key table; a pass after the first picks up keys changed meanwhile.</summary>
    [Id(5)]
    public int Passes { get; set; }

    [Id(6)]
    public DateTimeOffset? StartedAt { get; set; }

    [Id(7)]
    public DateTimeOffset? CompletedAt { get; set; }

    [Id(8)]
    public string? StartedBy { get; set; }

    [Id(9)]
    public ImmutableArray<string> Retired { get; set; } = [];
}
