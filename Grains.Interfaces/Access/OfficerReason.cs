using Custodian.Validation;

namespace Custodian.Access;

/// <summary>
/// The reason an officer gives for an access decision — a grant's justification, approving, revoking or renewing
/// it, deciding an access-review item, lifting a suspension: required, at most <see cref="MaxLength"/> characters.
/// It goes into the log of granted authorisations, so it names a ticket or a case, never a person's data.
/// </summary>
public static class OfficerReason
{
    /// <summary>Longest reason.</summary>
    public const int MaxLength = 1000;

    /// <summary>Adds a violation for <paramref name="field"/> when <paramref name="reason"/> is missing, blank or too long.</summary>
    public static void Check(string? reason, string field, List<FieldViolation> violations) =>
        Texts.CheckRequired(reason, field, MaxLength, violations);
}
