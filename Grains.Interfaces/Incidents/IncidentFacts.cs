using System.Collections.Immutable;
using Custodian.Subjects;
using Custodian.Validation;

namespace Custodian.Incidents;

/// <summary>
/// What the officer records about a breach. On an update, a null member leaves the recorded value as it is.
/// <see cref="AffectedSubjects"/> are <c>tenant/subject</c> pseudonyms; <see cref="CompromisedKeyVersions"/> names the
/// key-encryption-key versions that were compromised (empty: none; null: not known).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Incidents.IncidentFacts")]
public sealed record IncidentFacts(
    [property: Id(0)] string? Nature = null,
    [property: Id(1)] ImmutableArray<string>? SubjectCategories = null,
    [property: Id(2)] long? ApproximateSubjects = null,
    [property: Id(3)] ImmutableArray<string>? RecordCategories = null,
    [property: Id(4)] long? ApproximateRecords = null,
    [property: Id(5)] ImmutableArray<string>? AffectedTenants = null,
    [property: Id(6)] ImmutableArray<string>? AffectedSubjects = null,
    [property: Id(7)] string? LikelyConsequences = null,
    [property: Id(8)] string? Measures = null,
    [property: Id(9)] string? ContactPoint = null,
    [property: Id(10)] RiskLevel? Risk = null,
    [property: Id(11)] bool? EncryptedAtRest = null,
    [property: Id(12)] ImmutableArray<string>? CompromisedKeyVersions = null)
{
    /// <summary>Longest free text (nature, consequences, measures, contact point, delay reasons).</summary>
    public const int MaxTextLength = 4000;

    /// <summary>Most entries of one list (categories, tenants, subjects, key versions).</summary>
    public const int MaxListLength = 1000;

    /// <summary>
    /// Checks the facts as given (null members are not given): texts and lists within their limits, counts zero or
    /// more, a known risk level, affected tenants as tenant ids and affected subjects as <c>tenant/subject</c>.
    /// </summary>
    public List<FieldViolation> Validate()
    {
        var violations = new List<FieldViolation>();
        Texts.CheckLength(Nature, "nature", MaxTextLength, violations);
        Texts.CheckLength(LikelyConsequences, "likely_consequences", MaxTextLength, violations);
        Texts.CheckLength(Measures, "measures", MaxTextLength, violations);
        Texts.CheckLength(ContactPoint, "contact_point", MaxTextLength, violations);
        CheckList(SubjectCategories, "subject_categories", 100, violations);
        CheckList(RecordCategories, "record_categories", 100, violations);
        CheckList(CompromisedKeyVersions, "compromised_key_versions", 200, violations);
        if (ApproximateSubjects is < 0)
        {
            violations.Add(new FieldViolation("approximate_subjects", "is zero or more"));
        }

        if (ApproximateRecords is < 0)
        {
            violations.Add(new FieldViolation("approximate_records", "is zero or more"));
        }

        if (Risk is { } risk && !Enum.IsDefined(risk))
        {
            violations.Add(new FieldViolation("risk", "is unassessed, none, risk or high"));
        }

        CheckEach(AffectedTenants, "affected_tenants", violations, (tenant, field) => Identifiers.CheckTenantId(tenant, field, violations));
        CheckEach(AffectedSubjects, "affected_subjects", violations, (subject, field) =>
        {
            var slash = subject?.IndexOf('/', StringComparison.Ordinal) ?? -1;
            if (slash <= 0)
            {
                violations.Add(new FieldViolation(field, "has the form tenant/subject"));
            }
            else
            {
                SubjectRef.Check(subject![..slash], subject[(slash + 1)..], violations, field + ".");
            }
        });
        return violations;
    }

    /// <summary>Checks the facts of an update: as <see cref="Validate"/>, and a nature, when given, is not emptied.</summary>
    public List<FieldViolation> ValidateUpdate()
    {
        var violations = Validate();
        if (Nature is { } nature && string.IsNullOrWhiteSpace(nature))
        {
            violations.Add(new FieldViolation("nature", "cannot be emptied"));
        }

        return violations;
    }

    /// <summary>Counts only: the free texts may describe people.</summary>
    public override string ToString() => $"IncidentFacts {{ Subjects = {AffectedSubjects?.Length}, Tenants = {AffectedTenants?.Length}, Risk = {Risk} }}";

    private static void CheckList(ImmutableArray<string>? values, string field, int maxItem, List<FieldViolation> violations)
    {
        if (values is { } list && (list.Length > MaxListLength || list.Any(v => string.IsNullOrWhiteSpace(v) || v.Length > maxItem)))
        {
            violations.Add(new FieldViolation(field, $"has at most {MaxListLength} non-empty entries of at most {maxItem} characters"));
        }
    }

    /// <summary>Checks a list's length and, of its first <see cref="MaxListLength"/> entries, each as <c>field[i]</c>.</summary>
    private static void CheckEach(ImmutableArray<string>? values, string field, List<FieldViolation> violations, Action<string, string> check)
    {
        if (values is not { } list)
        {
            return;
        }

        if (list.Length > MaxListLength)
        {
            violations.Add(new FieldViolation(field, $"has at most {MaxListLength} entries"));
        }

        for (var i = 0; i < list.Length && i < MaxListLength; i++)
        {
            check(list[i], $"{field}[{i}]");
        }
    }
}
