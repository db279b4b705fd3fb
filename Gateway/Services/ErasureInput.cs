using Custodian.Storage;
using Custodian.Subjects;
using Custodian.Validation;

namespace Custodian.Gateway.Services;

/// <summary>
/// The input of an erasure, whichever service takes it (Subjects.Erase, Keys.ShredSubject): the subject and why,
/// checked with the contracts' rules (<see cref="SubjectRef.Check"/>, <see cref="ErasureRecord.CheckReason"/>) that
/// the DataSubject grain applies again.
/// </summary>
internal static class ErasureInput
{
    /// <summary>Throws INVALID_ARGUMENT naming every bad field.</summary>
    public static void Check(string tenantId, string subjectId, string reason)
    {
        var violations = new List<FieldViolation>();
        SubjectRef.Check(tenantId, subjectId, violations);
        ErasureRecord.CheckReason(reason, "reason", violations);
        RpcErrors.ThrowIfAny(violations);
    }
}
