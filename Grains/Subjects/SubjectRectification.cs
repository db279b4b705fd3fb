using System.Collections.Immutable;
using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>
/// Rectification (Art. 16) as a pure function of the subject's state: which fields change, from what to what,
/// at which version of the record, or why the rectification cannot be made. Planning changes nothing.
/// </summary>
public static class SubjectRectification
{
    /// <summary>
    /// The rectification of <paramref name="fields"/> of <paramref name="category"/> as the record now stands: the
    /// plan (changes, the record's version, or why it cannot be made) and the rectified record when it can.
    /// </summary>
    public static (RectificationPlan Plan, PersonalDataRecord? Rectified) Plan(
        DataSubjectState state, string category, ImmutableSortedDictionary<string, string> fields, IReadOnlyList<FieldViolation> inputViolations)
    {
        if (state.Erasure is { } erasure)
        {
            return (new RectificationPlan([], erasure, [], 0), null);
        }

        if (inputViolations.Count > 0)
        {
            return (new RectificationPlan([.. inputViolations], null, [], 0), null);
        }

        if (!state.Records.TryGetValue(category, out var stored))
        {
            return (new RectificationPlan([new FieldViolation("category", "the subject has no record in this category")], null, [], 0, NoSuchCategory: true), null);
        }

        if (fields.Keys.Any(f => !stored.Record.Fields.ContainsKey(f)))
        {
            return (new RectificationPlan([new FieldViolation("fields", "names a field the record does not have; rectification changes existing fields only")], null, [], stored.Version), null);
        }

        var rectified = stored.Record with { Fields = stored.Record.Fields.SetItems(fields) };
        if (rectified.Validate() is { Count: > 0 } violations)
        {
            return (new RectificationPlan([.. violations], null, [], stored.Version), null);
        }

        var changes = fields.Where(f => stored.Record.Fields[f.Key] != f.Value).Select(f => new FieldChange(f.Key, stored.Record.Fields[f.Key], f.Value)).ToImmutableArray();
        return (new RectificationPlan([], null, changes, stored.Version), rectified);
    }
}
