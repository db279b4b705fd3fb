namespace Custodian.Requests;

/// <summary>Which right a data-subject request exercises (Art. 15 to 21).</summary>
[GenerateSerializer, Alias("Custodian.Requests.RequestKind")]
public enum RequestKind
{
    /// <summary>Not a kind; never filed.</summary>
    Unspecified = 0,

    /// <summary>Art. 15 access.</summary>
    Access = 1,

    /// <summary>Art. 20 portability.</summary>
    Portability = 2,

    /// <summary>Art. 16 rectification.</summary>
    Rectification = 3,

    /// <summary>Art. 17 erasure.</summary>
    Erasure = 4,

    /// <summary>Art. 18 restriction.</summary>
    Restriction = 5,

    /// <summary>Art. 21 objection.</summary>
    Objection = 6,
}
