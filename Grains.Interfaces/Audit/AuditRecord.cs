namespace Custodian.Audit;

/// <summary>
/// What happened, as the caller reports it. <see cref="Target"/> never names a data subject in clear:
/// subjects appear as keyed hashes (see the gateway's audit writer). <see cref="Purpose"/> is the purpose
/// identifier an access to personal data was allowed for (the grant's, or what a client application
/// declared); empty for anything else. <see cref="Count"/> is how many identical events the entry stands
/// for: 1, except for a burst of identical denials from one source, recorded once a minute with its count.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Audit.AuditRecord")]
public sealed record AuditRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Actor,
    [property: Id(2)] string Action,
    [property: Id(3)] string Target,
    [property: Id(4)] string Outcome,
    [property: Id(5)] string SourceIp,
    [property: Id(6)] string GrantId,
    [property: Id(7)] string Purpose = "",
    [property: Id(8)] int Count = 1);
