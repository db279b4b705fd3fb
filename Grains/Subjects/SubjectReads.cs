using System.Collections.Immutable;

namespace Custodian.Subjects;

/// <summary>
/// What a subject's reads answer, as pure functions of its state: a record for a purpose (or why it is refused),
/// the categories held, where the rights stand, the recipients, an export, and who is told of a change (Art. 19).
/// An erased subject answers its tombstone and nothing else.
/// </summary>
public static class SubjectReads
{
    /// <summary>The record of <paramref name="category"/> for processing with <paramref name="purpose"/>, none, the tombstone, or a refusal (Art. 18, 21).</summary>
    public static RecordLookup Lookup(DataSubjectState state, string category, string purpose)
    {
        if (state.Erasure is { } erasure)
        {
            return new RecordLookup(null, erasure);
        }

        var refusal = RefusalFor(state, ProcessingPurposes.Normalize(purpose));
        return refusal == ReadRefusal.None
            ? new RecordLookup(state.Records.GetValueOrDefault(category), null)
            : new RecordLookup(null, null, refusal);
    }

    /// <summary>The categories held, without their values.</summary>
    public static CategoryListing Categories(DataSubjectState state) => new(
        [.. state.Records.Values.Select(r => new CategorySummary(r.Record.Category, r.Record.Purpose, r.Record.LegalBasis, r.Record.Fields.Count, r.UpdatedAt))],
        state.Erasure);

    /// <summary>Where the subject's rights stand, without its data.</summary>
    public static SubjectRightsState Rights(DataSubjectState state) =>
        new(state.Erasure, state.Restriction, [.. state.Objections.Keys], state.Hold);

    /// <summary>The recipients of every category; none once erased.</summary>
    public static RecipientListing Recipients(DataSubjectState state) =>
        new(state.Erasure is null ? state.Recipients : ImmutableSortedDictionary<string, ImmutableArray<Recipient>>.Empty, state.Erasure);

    /// <summary>Everything held, for an access export; only what the subject provided, for a portability export.</summary>
    public static SubjectExport Export(DataSubjectState state, bool portability)
    {
        if (state.Erasure is { } erasure)
        {
            return new SubjectExport([], ImmutableSortedDictionary<string, ImmutableArray<Recipient>>.Empty, null, [], null, erasure);
        }

        var records = state.Records.Values.Where(r => !portability || r.Record.ProvidedBySubject).ToImmutableArray();
        return new SubjectExport(records, state.Recipients, state.Restriction, [.. state.Objections.Values], state.Hold, null);
    }

    /// <summary>Each recipient of each of <paramref name="categories"/>, with its category: who a change of them is told (Art. 19).</summary>
    public static List<(string Category, Recipient Recipient)> RecipientsOf(DataSubjectState state, IEnumerable<string> categories) =>
        [.. categories.SelectMany(c => state.Recipients.GetValueOrDefault(c, []).Select(r => (c, r)))];

    private static ReadRefusal RefusalFor(DataSubjectState state, string purpose)
    {
        if (state.Restriction is not null && !ProcessingPurposes.AllowedWhileRestricted.Contains(purpose))
        {
            return ReadRefusal.Restricted;
        }

        return state.Objections.TryGetValue(purpose, out var objection) && objection.StopsProcessing
            ? ReadRefusal.Objected
            : ReadRefusal.None;
    }
}
