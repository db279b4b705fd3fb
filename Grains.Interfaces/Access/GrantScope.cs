using System.Collections.Immutable;

namespace Custodian.Access;

/// <summary>What a grant reaches: one tenant; all its subjects or a list; all categories or a list.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.GrantScope")]
public sealed record GrantScope(
    [property: Id(0)] string TenantId,
    [property: Id(1)] ImmutableArray<string> SubjectIds,
    [property: Id(2)] ImmutableArray<string> Categories)
{
    /// <summary>True when the scope covers this subject (and category, when the call names one).</summary>
    public bool Covers(string tenantId, string? subjectId, string? category) =>
        TenantId == tenantId
        && (SubjectIds.IsDefaultOrEmpty || (subjectId is not null && SubjectIds.Contains(subjectId)))
        && (Categories.IsDefaultOrEmpty || (category is not null && Categories.Contains(category)));
}
