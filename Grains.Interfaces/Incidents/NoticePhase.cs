namespace Custodian.Incidents;

/// <summary>Whether a notice is a first phase (Art. 33(4)), which may be incomplete, or a complete notice.</summary>
[GenerateSerializer, Alias("Custodian.Incidents.NoticePhase")]
public enum NoticePhase
{
    /// <summary>Not chosen.</summary>
    Unspecified = 0,

    /// <summary>The first notice to an audience, sent with what is known; the missing Art. 33(3) parts are named in it.</summary>
    First = 1,

    /// <summary>A complete notice (all of Art. 33(3)(a)–(d)); it references the earlier notices to the same audience.</summary>
    Final = 2,
}
