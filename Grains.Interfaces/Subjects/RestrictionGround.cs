namespace Custodian.Subjects;

/// <summary>Why processing of a subject's data is restricted, GDPR Art. 18(1)(a)–(d).</summary>
[GenerateSerializer, Alias("Custodian.Subjects.RestrictionGround")]
public enum RestrictionGround
{
    /// <summary>Not given; never valid.</summary>
    Unspecified = 0,

    /// <summary>18(1)(a): the subject contests the accuracy of the data, while it is verified.</summary>
    AccuracyContested = 1,

    /// <summary>18(1)(b): the processing is unlawful and the subject opposes erasure.</summary>
    UnlawfulProcessing = 2,

    /// <summary>18(1)(c): the controller no longer needs the data, but the subject needs it for legal claims.</summary>
    NeededForLegalClaims = 3,

    /// <summary>18(1)(d): the subject objected (Art. 21(1)) and the controller's grounds are being verified.</summary>
    ObjectionPending = 4,
}
