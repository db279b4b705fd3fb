namespace Custodian.Audit;

/// <summary>
/// How the audit trail names a data subject: a keyed hash, the same the gateway writes, computed by the
/// host that holds the audit key, so grains that touch a subject's data can audit it without naming it.
/// </summary>
public interface IAuditPseudonyms
{
    /// <summary>The trail's target for the subject (<c>subject:</c> and a keyed hash).</summary>
    string Subject(string tenantId, string subjectId);
}
