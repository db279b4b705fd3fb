using System.Collections.Immutable;

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

    /// <summary>Returns the record of one category, or null when there is none.</summary>
    [Alias("GetRecord")]
    Task<StoredRecord?> GetRecordAsync(string category);

    /// <summary>Lists the categories held, without their values.</summary>
    [Alias("ListCategories")]
    Task<ImmutableArray<CategorySummary>> ListCategoriesAsync();
}
