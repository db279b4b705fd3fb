using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>A data subject of one tenant; its grain key is <c>tenant/subject</c>.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.SubjectRef")]
public sealed record SubjectRef([property: Id(0)] string TenantId, [property: Id(1)] string SubjectId)
{
    /// <summary>The DataSubject grain key.</summary>
    public string GrainKey => $"{TenantId}/{SubjectId}";

    /// <summary>Checks both ids; field names are prefixed with <paramref name="fieldPrefix"/>.</summary>
    public static void Check(string? tenantId, string? subjectId, List<FieldViolation> violations, string fieldPrefix = "")
    {
        Identifiers.CheckTenantId(tenantId, fieldPrefix + "tenant_id", violations);
        Identifiers.CheckSubjectId(subjectId, fieldPrefix + "subject_id", violations);
    }

    /// <summary>Checks a DataSubject grain key as <see cref="Check"/> checks its two ids.</summary>
    public static void CheckGrainKey(string key, List<FieldViolation> violations)
    {
        var slash = key.IndexOf('/');
        Check(slash < 0 ? key : key[..slash], slash < 0 ? "" : key[(slash + 1)..], violations);
    }

    /// <summary>Parses a DataSubject grain key back into its parts.</summary>
    public static SubjectRef FromGrainKey(string key)
    {
        var slash = key.IndexOf('/');
        if (slash <= 0 || slash == key.Length - 1)
        {
            throw new ArgumentException("A data-subject grain key has the form tenant/subject.", nameof(key));
        }

        return new SubjectRef(key[..slash], key[(slash + 1)..]);
    }
}
