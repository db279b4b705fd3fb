using System.Collections.Immutable;

namespace Custodian.Incidents;

/// <summary>
/// A notice as sent: its number, audience and phase, whether it was late (with the reasons), the Art. 33(3) parts it
/// still lacked (first phase), the earlier notices it references, the message ids of its mails (one per recipient
/// group; delivery is in the outbox), and for subjects the ones exempt under Art. 34(3)(a) and the ones without an address.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Incidents.IncidentNotice")]
public sealed record IncidentNotice(
    [property: Id(0)] int Number,
    [property: Id(1)] NoticeAudience Audience,
    [property: Id(2)] NoticePhase Phase,
    [property: Id(3)] DateTimeOffset SentAt,
    [property: Id(4)] string Actor,
    [property: Id(5)] bool Late,
    [property: Id(6)] string? DelayReasons,
    [property: Id(7)] ImmutableArray<string> MissingParts,
    [property: Id(8)] ImmutableArray<int> References,
    [property: Id(9)] ImmutableArray<string> MessageIds,
    [property: Id(10)] ImmutableArray<string> ExemptSubjects,
    [property: Id(11)] ImmutableArray<string> UnreachableSubjects);
