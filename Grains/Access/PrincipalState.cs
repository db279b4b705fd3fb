using System.Collections.Immutable;

namespace Custodian.Access;

/// <summary>What a Principal grain persists.</summary>
[GenerateSerializer, Alias("Custodian.Access.PrincipalState")]
public sealed class PrincipalState
{
    [Id(0)]
    public ImmutableDictionary<string, Grant> Grants { get; set; } = ImmutableDictionary<string, Grant>.Empty;

    /// <summary>Incremented by every change of <see cref="Grants"/>.</summary>
    [Id(2)]
    public long Version { get; set; }

    /// <summary>Set while a security alert has suspended every grant of the principal.</summary>
    [Id(3)]
    public Suspension? Suspension { get; set; }

    [Id(1)]
    public ImmutableDictionary<string, DateTimeOffset> LastUses { get; set; } = ImmutableDictionary<string, DateTimeOffset>.Empty;
}
