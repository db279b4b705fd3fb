using Custodian.Validation;

namespace Custodian.Requests;

/// <summary>
/// What filing a request says: the subject, the right exercised, the channel, who entered it, and when it
/// was received (a helpdesk may enter a request that arrived earlier, e.g. by letter; null means now).
/// </summary>
[GenerateSerializer, Immutable, Alias("Custodian.Requests.RequestFiling")]
public sealed record RequestFiling(
    [property: Id(0)] string SubjectId,
    [property: Id(1)] RequestKind Kind,
    [property: Id(2)] RequestChannel Channel,
    [property: Id(3)] string EnteredBy,
    [property: Id(4)] DateTimeOffset? ReceivedAt)
{
    /// <summary>
    /// Checks the filing: a subject id, a known kind and channel, who entered it, and a receipt time only for a
    /// helpdesk entry. With <paramref name="now"/>, also that the receipt time is not in the future: the request's
    /// grain passes its clock; a caller on another clock leaves it to the grain. Which channel a caller may use is
    /// the access decision's.
    /// </summary>
    public List<FieldViolation> Validate(DateTimeOffset? now)
    {
        var violations = new List<FieldViolation>();
        Identifiers.CheckSubjectId(SubjectId, "subject_id", violations);
        if (Kind == RequestKind.Unspecified || !Enum.IsDefined(Kind))
        {
            violations.Add(new FieldViolation("kind", "is one of access, portability, rectification, erasure, restriction, objection"));
        }

        if (Channel == RequestChannel.Unspecified || !Enum.IsDefined(Channel))
        {
            violations.Add(new FieldViolation("channel", "is api or helpdesk"));
        }

        if (string.IsNullOrWhiteSpace(EnteredBy))
        {
            violations.Add(new FieldViolation("entered_by", "is required"));
        }

        if (ReceivedAt is not null && Channel != RequestChannel.Helpdesk)
        {
            violations.Add(new FieldViolation("received_at", "is given only for a helpdesk entry; an api request is received when it is filed"));
        }
        else if (ReceivedAt > now)
        {
            violations.Add(new FieldViolation("received_at", "is in the future"));
        }

        return violations;
    }
}
