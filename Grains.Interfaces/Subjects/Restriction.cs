using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>That processing of the subject's data is restricted (Art. 18): on what ground, since when, by whom.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.Restriction")]
public sealed record Restriction(
    [property: Id(0)] RestrictionGround Ground,
    [property: Id(1)] DateTimeOffset Since,
    [property: Id(2)] string By)
{
    /// <summary>Checks a restriction's ground: one of Art. 18(1)(a)-(d).</summary>
    public static void CheckGround(RestrictionGround ground, string field, List<FieldViolation> violations)
    {
        if (ground == RestrictionGround.Unspecified || !Enum.IsDefined(ground))
        {
            violations.Add(new FieldViolation(field, "is required: one of Art. 18(1)(a)-(d)"));
        }
    }

    /// <summary>
    /// Checks that lifting a restriction says when the subject was informed (18(3)); <c>default</c> is not given.
    /// Whether that time falls while the restriction lasted, the subject's grain checks.
    /// </summary>
    public static void CheckLifting(DateTimeOffset subjectInformedAt, string field, List<FieldViolation> violations)
    {
        if (subjectInformedAt == default)
        {
            violations.Add(new FieldViolation(field, "is required: Art. 18(3) asks that the subject is informed before the restriction is lifted"));
        }
    }
}
