namespace Custodian.Subjects;

/// <summary>The lawful basis of processing, GDPR Art. 6(1)(a)–(f).</summary>
[GenerateSerializer, Alias("Custodian.Subjects.LegalBasis")]
public enum LegalBasis
{
    /// <summary>Not given; never valid for a stored record.</summary>
    Unspecified = 0,

    /// <summary>Art. 6(1)(a): the subject's consent.</summary>
    Consent = 1,

    /// <summary>Art. 6(1)(b): performance of a contract with the subject.</summary>
    Contract = 2,

    /// <summary>Art. 6(1)(c): a legal obligation of the controller.</summary>
    LegalObligation = 3,

    /// <summary>Art. 6(1)(d): the vital interests of a person.</summary>
    VitalInterests = 4,

    /// <summary>Art. 6(1)(e): a task in the public interest.</summary>
    PublicTask = 5,

    /// <summary>Art. 6(1)(f): legitimate interests of the controller or a third party.</summary>
    LegitimateInterests = 6,
}
