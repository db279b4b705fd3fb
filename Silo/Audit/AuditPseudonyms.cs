using Custodian.Audit;
using Custodian.Hosting;

namespace Custodian.Silo.Audit;

/// <summary>The silo's <see cref="IAuditPseudonyms"/>: the audit key's subject hash.</summary>
internal sealed class AuditPseudonyms(AuditKeys keys) : IAuditPseudonyms
{
    public string Subject(string tenantId, string subjectId) => keys.Subject(tenantId, subjectId);
}
