using System.Collections.Immutable;

namespace Custodian.Access;

/// <summary>A grant as it stands, with its whole history.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.Grant")]
public sealed record Grant(
    [property: Id(0)] string GrantId,
    [property: Id(1)] GrantRequest Request,
    [property: Id(2)] GrantStatus Status,
    [property: Id(3)] string IssuedBy,
    [property: Id(4)] string? ApprovedBy,
    [property: Id(5)] ImmutableArray<GrantEvent> History,
    [property: Id(6)] string? RenewalOf)
{
    /// <summary>A fresh grant id, for a grant being issued or renewed.</summary>
    public static string NewId() => "grant-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// True when the grant allows <paramref name="operation"/> on the subject from <paramref name="source"/>
    /// at <paramref name="now"/>. The window is checked here on every use, so a late expiry tick never
    /// extends access.
    /// </summary>
    public bool Allows(Operation operation, string tenantId, string? subjectId, string? category, System.Net.IPAddress source, DateTimeOffset now) =>
        Status == GrantStatus.Active
        && now >= Request.ValidFrom && now < Request.ValidUntil
        && Request.Operations.Contains(operation)
        && Request.Scope.Covers(tenantId, subjectId, category)
        && Request.Cidrs.Any(c => System.Net.IPNetwork.TryParse(c, out var network) && network.Contains(source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source));
}
