using System.Collections.Immutable;
using Custodian.Storage;
using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>
/// A rectification worked out but not made (Art. 16): the value before and after of each field that would
/// change, and the <see cref="Version"/> of the record they were read from; or the invalid input (no such
/// category or field, an invalid value), or that the subject was erased. Nothing is changed by planning.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.RectificationPlan")]
public sealed record RectificationPlan(
    [property: Id(0)] ImmutableArray<FieldViolation> Violations,
    [property: Id(1)] ErasureRecord? Erasure,
    [property: Id(2)] ImmutableArray<FieldChange> Changes,
    [property: Id(3)] long Version,
    [property: Id(4)] bool NoSuchCategory = false)
{
    /// <summary>
    /// Checks a rectification's input as it stands alone: a category name and at least one field. Whether the
    /// record has the category and the fields, and whether the values are valid, the subject's grain checks.
    /// </summary>
    public static void CheckInput(string? category, IReadOnlyCollection<KeyValuePair<string, string>> fields, List<FieldViolation> violations)
    {
        Identifiers.CheckCategory(category, "category", violations);
        if (fields.Count == 0)
        {
            violations.Add(new FieldViolation("fields", "needs at least one field to rectify"));
        }
    }

    /// <summary>True when the rectification can be made as planned.</summary>
    public bool IsValid => Erasure is null && !NoSuchCategory && Violations.IsDefaultOrEmpty;

    /// <summary>Never shows values; see <see cref="FieldChange.ToString"/>.</summary>
    public override string ToString() => $"RectificationPlan {{ Valid = {IsValid}, Changes = {Changes.Length}, Version = {Version}, Violations = {Violations.Length}, Erased = {Erasure is not null} }}";
}
