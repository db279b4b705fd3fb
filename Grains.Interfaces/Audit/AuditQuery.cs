namespace Custodian.Audit;

/// <summary>
/// Which entries of the trail to read. Every filter is optional (null matches everything) and compares
/// exactly; <see cref="Target"/> is as the trail stores it, so a data subject is named by its keyed hash,
/// never in clear. <see cref="From"/> is inclusive, <see cref="Until"/> exclusive.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Audit.AuditQuery")]
public sealed record AuditQuery(
    [property: Id(0)] string? Actor = null,
    [property: Id(1)] string? Action = null,
    [property: Id(2)] string? Target = null,
    [property: Id(3)] DateTimeOffset? From = null,
    [property: Id(4)] DateTimeOffset? Until = null)
{
    /// <summary>Every entry.</summary>
    public static readonly AuditQuery All = new();
}
