using System.Collections.Immutable;

namespace Custodian.Access;

/// <summary>What the grant log persists.</summary>
[GenerateSerializer, Alias("Custodian.Access.GrantLogState")]
public sealed class GrantLogState
{
    [Id(0)]
    public ImmutableList<GrantEvent> Entries { get; set; } = [];
}
