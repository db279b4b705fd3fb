using Custodian.Validation;

namespace Custodian.Subjects;

/// <summary>
/// The subject's objection to processing for one purpose (Art. 21). An objection to direct marketing
/// is absolute; any other stops processing for the purpose unless compelling legitimate grounds are
/// recorded (21(1)). The grounds are kept in the subject's encrypted state only.
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.Objection")]
public sealed record Objection(
    [property: Id(0)] string Purpose,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] bool DirectMarketing,
    [property: Id(3)] string? CompellingGrounds = null,
    [property: Id(4)] DateTimeOffset? GroundsRecordedAt = null)
{
    /// <summary>Longest compelling grounds.</summary>
    public const int MaxGroundsLength = 2000;

    /// <summary>Checks compelling grounds recorded against an objection: required, at most <see cref="MaxGroundsLength"/> characters.</summary>
    public static void CheckGrounds(string? grounds, string field, List<FieldViolation> violations) =>
        Texts.CheckRequired(grounds, field, MaxGroundsLength, violations);

    /// <summary>True while the objection stops processing for its purpose.</summary>
    public bool StopsProcessing => DirectMarketing || CompellingGrounds is null;

    /// <summary>Never shows the grounds.</summary>
    public override string ToString() =>
        $"Objection {{ Purpose = {Purpose}, At = {At:O}, DirectMarketing = {DirectMarketing}, Grounds = {(CompellingGrounds is null ? "none" : "recorded")} }}";
}
