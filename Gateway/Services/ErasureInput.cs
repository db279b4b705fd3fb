using Custodian.Subjects;
using Custodian.Validation;

namespace Custodian.Gateway.Services;

/// <summary>The input of an erasure, whichever service takes it (Subjects.Erase, Keys.ShredSubject): the subject and why.</summary>
internal static class ErasureInput
{
    /// <summary>Longest reason; the shred receipt keeps it.</summary>
    public const int MaxReasonLength = 256;

    /// <summary>Throws INVALID_ARGUMENT naming every bad field.</summary>
    public static void Check(string tenantId, string subjectId, string reason)
    {
        var violations = new List<FieldViolation>();
        SubjectRef.Check(tenantId, subjectId, violations);
        if (string.IsNullOrWhiteSpace(reason))
        {
            violations.Add(new FieldViolation("reason", "is required"));
        }
        else if (reason.Length > MaxReasonLength)
        {
            violations.Add(new FieldViolation("reason", $"is longer than {MaxReasonLength} characters"));
        }

        RpcErrors.ThrowIfAny(violations);
    }
}
