namespace Custodian.Access;

/// <summary>One transition of a grant: what happened, when, by whom, why. Appended, never rewritten.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.GrantEvent")]
public sealed record GrantEvent(
    [property: Id(0)] string GrantId,
    [property: Id(1)] string Principal,
    [property: Id(2)] string TenantId,
    [property: Id(3)] string Action,
    [property: Id(4)] string Actor,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] string Reason);
