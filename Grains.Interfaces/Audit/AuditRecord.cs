namespace Custodian.Audit;

/// <summary>
/// What happened, as the caller reports it. <see cref="Target"/> never names a data subject in clear:
/// subjects appear as keyed hashes (see the gateway's audit writer).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Audit.AuditRecord")]
public sealed record AuditRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Actor,
    [property: Id(2)] string Action,
    [property: Id(3)] string Target,
    [property: Id(4)] string Outcome,
    [property: Id(5)] string SourceIp,
    [property: Id(6)] string GrantId);
