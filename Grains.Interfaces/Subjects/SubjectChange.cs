using System.Collections.Immutable;
using Custodian.Storage;
using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>
/// The outcome of a change to a subject's rights state (restriction, objection, recipients, legal
/// hold): done at a time, invalid input (<see cref="Violations"/>, nothing changed), refused with a reason
/// (nothing changed), or refused because the subject was erased. <see cref="NoticesQueued"/> counts the
/// Art. 19 notifications it queued to recipients.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.SubjectChange")]
public sealed record SubjectChange(
    [property: Id(0)] DateTimeOffset? At,
    [property: Id(1)] string? Refusal,
    [property: Id(2)] ErasureRecord? Erasure,
    [property: Id(3)] int NoticesQueued = 0,
    [property: Id(4)] ImmutableArray<FieldViolation> Violations = default)
{
    /// <summary>True when the change was made.</summary>
    public bool Done => At is not null;

    /// <summary>The change was made.</summary>
    public static SubjectChange DoneAt(DateTimeOffset at, int noticesQueued = 0) => new(at, null, null, noticesQueued);

    /// <summary>The change is not allowed in the subject's current state; nothing changed.</summary>
    public static SubjectChange Refused(string reason) => new(null, reason, null);

    /// <summary>The input is not valid, field by field; nothing changed.</summary>
    public static SubjectChange Invalid(IEnumerable<FieldViolation> violations) => new(null, null, null, Violations: [.. violations]);

    /// <summary>The subject was erased; nothing changed.</summary>
    public static SubjectChange Erased(ErasureRecord erasure) => new(null, null, erasure);
}
