using System.Collections.Immutable;
using System.Text;
using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>
/// The personal data of one category of a subject, with why and on what basis it is processed.
/// <see cref="ToString"/> never shows the values, so logging a record by accident leaks nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.PersonalDataRecord")]
public sealed record PersonalDataRecord(
    [property: Id(0)] string Category,
    [property: Id(1)] string Purpose,
    [property: Id(2)] LegalBasis LegalBasis,
    [property: Id(3)] ImmutableSortedDictionary<string, string> Fields,
    [property: Id(4)] string? Source = null,
    [property: Id(5)] string? Retention = null)
{
    /// <summary>The <see cref="Source"/> of data the subject provided (the default).</summary>
    public const string SubjectSource = "subject";

    /// <summary>Longest source or retention text.</summary>
    public const int MaxSourceLength = 64;

    /// <summary>Longest retention text.</summary>
    public const int MaxRetentionLength = 256;

    /// <summary>True when the subject provided this data (Art. 20 portability covers only such data).</summary>
    public bool ProvidedBySubject => string.IsNullOrEmpty(Source) || Source == SubjectSource;

    /// <summary>Largest record: field names plus values, in UTF-8 bytes.</summary>
    public const int MaxRecordBytes = 64 * 1024;

    /// <summary>Longest purpose text.</summary>
    public const int MaxPurposeLength = 256;

    /// <summary>Longest field name.</summary>
    public const int MaxFieldNameLength = 64;

    /// <summary>The record's size as it counts against <see cref="MaxRecordBytes"/>.</summary>
    public int SizeInBytes => Fields.Sum(f => Encoding.UTF8.GetByteCount(f.Key) + Encoding.UTF8.GetByteCount(f.Value));

    /// <summary>
    /// Checks a record that may be missing: a missing one is a violation of <paramref name="field"/>, a present
    /// one is <see cref="Validate"/>d with its fields named <c><paramref name="field"/>.category</c> and so on.
    /// </summary>
    public static void Check(PersonalDataRecord? record, string field, List<FieldViolation> violations)
    {
        if (record is null)
        {
            violations.Add(new FieldViolation(field, "is required"));
        }
        else
        {
            violations.AddRange(record.Validate(field + "."));
        }
    }

    /// <summary>Checks the record; field names are prefixed with <paramref name="fieldPrefix"/>.</summary>
    public IReadOnlyList<FieldViolation> Validate(string fieldPrefix = "")
    {
        var violations = new List<FieldViolation>();
        Identifiers.CheckCategory(Category, fieldPrefix + "category", violations);
        Texts.CheckRequired(Purpose, fieldPrefix + "purpose", MaxPurposeLength, violations);

        if (!Enum.IsDefined(LegalBasis) || LegalBasis == LegalBasis.Unspecified)
        {
            violations.Add(new FieldViolation(fieldPrefix + "legal_basis", "is required (one of Art. 6(1)(a)-(f))"));
        }

        if (Source is { Length: > 0 } source
            && (source.Length > MaxSourceLength || !char.IsAsciiLetterLower(source[0]) || source.Any(c => !char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')))
        {
            violations.Add(new FieldViolation(fieldPrefix + "source", $"names where the data came from: \"{SubjectSource}\" (the default) or another lower-case identifier of letters, digits and '-', at most {MaxSourceLength} characters"));
        }

        Texts.CheckLength(Retention, fieldPrefix + "retention", MaxRetentionLength, violations);

        if (Fields is null || Fields.IsEmpty)
        {
            violations.Add(new FieldViolation(fieldPrefix + "fields", "needs at least one field"));
            return violations;
        }

        foreach (var name in Fields.Keys)
        {
            if (!IsValidFieldName(name))
            {
                violations.Add(new FieldViolation(
                    fieldPrefix + "fields",
                    $"field names are 1-{MaxFieldNameLength} letters, digits, '.', '-' or '_', starting with a letter"));
                break;
            }
        }

        if (SizeInBytes > MaxRecordBytes)
        {
            violations.Add(new FieldViolation(fieldPrefix + "fields", $"is larger than {MaxRecordBytes / 1024} KiB"));
        }

        return violations;
    }

    /// <summary>Shows the category and field names only, never the values.</summary>
    public override string ToString() =>
        $"PersonalDataRecord {{ Category = {Category}, LegalBasis = {LegalBasis}, Fields = [{Fields.Count} redacted] }}";

    private static bool IsValidFieldName(string name) =>
        name.Length is > 0 and <= MaxFieldNameLength
        && char.IsAsciiLetter(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
