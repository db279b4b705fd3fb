using Custodian.Storage;

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

    /// <summary>Returns the record of one category, none, or that the subject was erased.</summary>
    [Alias("GetRecord")]
    Task<RecordLookup> GetRecordAsync(string category);

    /// <summary>Lists the categories held, without their values, or that the subject was erased.</summary>
    [Alias("ListCategories")]
    Task<CategoryListing> ListCategoriesAsync();

    /// <summary>
    /// Crypto-shreds the subject: its data key is destroyed, so every stored copy (current, replicated,
    /// backed up) becomes unreadable. Idempotent: shredding an erased subject returns the first erasure.
    /// </summary>
    [Alias("Shred")]
    Task<ErasureRecord> ShredAsync(string actor, string reason);
}
