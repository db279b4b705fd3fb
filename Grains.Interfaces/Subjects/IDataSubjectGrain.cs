namespace Custodian.Subjects;

/// <summary>
/// One data subject of one tenant, keyed <c>tenant/subject</c> (see <see cref="SubjectRef"/>):
/// the personal data held about them, by category.
/// </summary>
[Alias("Custodian.Subjects.IDataSubjectGrain")]
public interface IDataSubjectGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the record of one category.</summary>
    [Alias("PutRecord")]
    Task<PutRecordResult> PutRecordAsync(PersonalDataRecord record);

    /// <summary>
    /// Creates or replaces the record of one category, once per <paramref name="idempotencyKey"/> (see
    /// <see cref="Validation.IdempotencyKeys"/>; null: no key, as <see cref="PutRecordAsync(PersonalDataRecord)"/>). The
    /// grain keeps its recent keys in its state, written with the record: a repeat of the same record under a kept key
    /// is answered with the first result and writes nothing; a different record under it is refused.
    /// </summary>
    [Alias("PutRecordOnce")]
    Task<PutRecordResult> PutRecordAsync(PersonalDataRecord record, string? idempotencyKey);

    /// <summary>
    /// Returns the record of one category for processing with <paramref name="purpose"/>; none; that
    /// the subject was erased; or a refusal when processing is restricted or objected to for the purpose.
    /// </summary>
    [Alias("GetRecord")]
    Task<RecordLookup> GetRecordAsync(string category, string purpose);

    /// <summary>Lists the categories held, without their values, or that the subject was erased.</summary>
    [Alias("ListCategories")]
    Task<CategoryListing> ListCategoriesAsync();

    /// <summary>
    /// Works out a rectification of existing fields of one category (Art. 16) without making it: the values
    /// before and after, for the caller to record as digests, and the version of the record they come from.
    /// </summary>
    [Alias("PlanRectification")]
    Task<RectificationPlan> PlanRectificationAsync(string category, System.Collections.Immutable.ImmutableSortedDictionary<string, string> fields);

    /// <summary>
    /// Makes a rectification planned by <see cref="PlanRectificationAsync"/>, only if the record is still at
    /// <paramref name="version"/>; otherwise changes nothing and answers that it changed meanwhile.
    /// </summary>
    [Alias("ApplyRectification")]
    Task<RectificationResult> ApplyRectificationAsync(string category, System.Collections.Immutable.ImmutableSortedDictionary<string, string> fields, long version);

    /// <summary>Restricts processing (Art. 18): the data stays stored, reads are refused unless 18(2) allows the purpose.</summary>
    [Alias("Restrict")]
    Task<SubjectChange> RestrictAsync(RestrictionGround ground, string actor);

    /// <summary>Lifts the restriction; refused unless the subject was informed beforehand (18(3)).</summary>
    [Alias("LiftRestriction")]
    Task<SubjectChange> LiftRestrictionAsync(DateTimeOffset subjectInformedAt, string actor);

    /// <summary>Records the subject's objection to processing for one purpose (Art. 21).</summary>
    [Alias("Object")]
    Task<SubjectChange> ObjectAsync(string purpose, bool directMarketing);

    /// <summary>Records compelling legitimate grounds that override an objection (21(1)); refused for direct marketing.</summary>
    [Alias("RecordCompellingGrounds")]
    Task<SubjectChange> RecordCompellingGroundsAsync(string purpose, string grounds);

    /// <summary>Replaces the recipients of one category (Art. 19); an empty list removes them.</summary>
    [Alias("SetRecipients")]
    Task<SubjectChange> SetRecipientsAsync(string category, System.Collections.Immutable.ImmutableArray<Recipient> recipients);

    /// <summary>Where the subject's rights stand (erased, restricted, objections, hold), without its data.</summary>
    [Alias("GetRightsState")]
    Task<SubjectRightsState> GetRightsStateAsync();

    /// <summary>The recipients of every category, for the subject who asks (Art. 19).</summary>
    [Alias("GetRecipients")]
    Task<RecipientListing> GetRecipientsAsync();

    /// <summary>Places or replaces a legal hold (Art. 17(3)) that keeps data from erasure.</summary>
    [Alias("PlaceLegalHold")]
    Task<SubjectChange> PlaceLegalHoldAsync(LegalHold hold);

    /// <summary>Releases the legal hold.</summary>
    [Alias("ReleaseLegalHold")]
    Task<SubjectChange> ReleaseLegalHoldAsync();

    /// <summary>Everything held about the subject, for an access (all) or portability (subject-provided only) export.</summary>
    [Alias("Export")]
    Task<SubjectExport> ExportAsync(bool portability);

    /// <summary>
    /// Erases the subject (Art. 17): crypto-shreds it unless a legal hold keeps some or all of its data;
    /// then, with <paramref name="partial"/>, only what is not held is removed, and without it nothing.
    /// Idempotent: a second erasure returns the same receipt.
    /// </summary>
    [Alias("Erase")]
    Task<ErasureResult> EraseAsync(string actor, string reason, bool partial);
}
