namespace Custodian.Access;

/// <summary>What an AccessGrant grain persists.</summary>
[GenerateSerializer, Alias("Custodian.Access.AccessGrantState")]
public sealed class AccessGrantState
{
    [Id(0)]
    public Grant? Grant { get; set; }
}
