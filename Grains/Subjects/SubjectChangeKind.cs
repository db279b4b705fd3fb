namespace Custodian.Subjects;

/// <summary>What happened to a subject's data, as an Art. 19 notice to its recipients says it.</summary>
public enum SubjectChangeKind
{
    /// <summary>Art. 16.</summary>
    Rectified,

    /// <summary>Art. 17.</summary>
    Erased,

    /// <summary>Art. 18.</summary>
    Restricted,
}
