using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>
/// Data of the subject that must be kept despite an erasure request, on a ground of Art. 17(3): all
/// categories when <see cref="Categories"/> is empty, else only those.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.LegalHold")]
public sealed record LegalHold(
    [property: Id(0)] ErasureException Ground,
    [property: Id(1)] ImmutableArray<string> Categories,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] string By)
{
    /// <summary>Checks the hold's ground (one of Art. 17(3)(a)-(e)) and the names of the categories it keeps.</summary>
    public IReadOnlyList<FieldViolation> Validate()
    {
        var violations = new List<FieldViolation>();
        if (Ground == ErasureException.Unspecified || !Enum.IsDefined(Ground))
        {
            violations.Add(new FieldViolation("ground", "is required: one of Art. 17(3)(a)-(e)"));
        }

        foreach (var category in Categories.IsDefault ? [] : Categories)
        {
            Identifiers.CheckCategory(category, "categories", violations);
        }

        return violations;
    }

    /// <summary>True when the hold keeps <paramref name="category"/>.</summary>
    public bool Covers(string category) => Categories.IsDefaultOrEmpty || Categories.Contains(category);
}
