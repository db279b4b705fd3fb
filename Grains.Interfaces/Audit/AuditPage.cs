using System.Collections.Immutable;

namespace Custodian.Audit;

/// <summary>
/// One page of a partition's entries, in ascending sequence. Each entry carries the sequence of the
/// position it is stored at, so the last one's sequence is where the next page starts.
/// <see cref="More"/> says whether entries matching the query follow.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Audit.AuditPage")]
public sealed record AuditPage(
    [property: Id(0)] ImmutableArray<AuditEntry> Entries,
    [property: Id(1)] bool More);
