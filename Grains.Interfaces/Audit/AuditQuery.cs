using Custodian.Validation;

namespace Custodian.Audit;

/// <summary>
/// Which entries of the trail to read. Every filter is optional (null matches everything) and compares
/// exactly; <see cref="Target"/> is as the trail stores it, so a data subject is named by its keyed hash,
/// never in clear. <see cref="From"/> is inclusive, <see cref="Until"/> exclusive.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Audit.AuditQuery")]
public sealed record AuditQuery(
    [property: Id(0)] string? Actor = null,
    [property: Id(1)] string? Action = null,
    [property: Id(2)] string? Target = null,
    [property: Id(3)] DateTimeOffset? From = null,
    [property: Id(4)] DateTimeOffset? Until = null)
{
    /// <summary>Every entry.</summary>
    public static readonly AuditQuery All = new();

    /// <summary>Longest actor, action or target to filter by.</summary>
    public const int MaxFilterLength = 256;

    /// <summary>The earliest time a trail holds (the table store's range is narrower than protobuf's).</summary>
    public static readonly DateTimeOffset Earliest = DateTimeOffset.UnixEpoch;

    /// <summary>The time before which every time a trail holds lies.</summary>
    public static readonly DateTimeOffset Latest = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The query's violations: a filter longer than <see cref="MaxFilterLength"/>, or a bad window (see <see cref="CheckWindow"/>).</summary>
    public List<FieldViolation> Validate()
    {
        var violations = new List<FieldViolation>();
        Texts.CheckLength(Actor, "actor", MaxFilterLength, violations);
        Texts.CheckLength(Action, "action", MaxFilterLength, violations);
        Texts.CheckLength(Target, "target", MaxFilterLength, violations);
        CheckWindow(From, Until, violations);
        return violations;
    }

    /// <summary>Adds a violation for a bound outside [<see cref="Earliest"/>, <see cref="Latest"/>), and for an <c>until</c> not later than <c>from</c>.</summary>
    public static void CheckWindow(DateTimeOffset? from, DateTimeOffset? until, List<FieldViolation> violations)
    {
        var fromFits = CheckTime(from, "from", violations);
        var untilFits = CheckTime(until, "until", violations);
        if (fromFits && untilFits && from is not null && until is not null && from >= until)
        {
            violations.Add(new FieldViolation("until", "must be later than from"));
        }
    }

    private static bool CheckTime(DateTimeOffset? time, string field, List<FieldViolation> violations)
    {
        if (time is { } t && (t < Earliest || t >= Latest))
        {
            violations.Add(new FieldViolation(field, $"is not a time from {Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd}"));
            return false;
        }

        return true;
    }
}
