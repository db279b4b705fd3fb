using System.Collections.Immutable;

namespace Custodian.Audit;

/// <summary>An entry of the trail and the partition it is stored in.</summary>
public sealed record PartitionedEntry(string Partition, AuditEntry Entry);

/// <summary>One page of a query over every partition, oldest first, and the token of the next page (empty when none follows).</summary>
public sealed record AuditTrailPage(ImmutableArray<PartitionedEntry> Entries, string NextPageToken);

/// <summary>One entry of a subject's access log: who did what to the subject's data, when, under which grant and for which purpose.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Audit.AccessLogEntry")]
public sealed record AccessLogEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Actor,
    [property: Id(2)] string Action,
    [property: Id(3)] string Outcome,
    [property: Id(4)] string AllowedBy,
    [property: Id(5)] string Purpose);
