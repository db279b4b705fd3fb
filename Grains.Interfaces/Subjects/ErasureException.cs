namespace Custodian.Subjects;

/// <summary>A ground on which erasure does not apply, GDPR Art. 17(3)(a)–(e).</summary>
[GenerateSerializer, Alias("Custodian.Subjects.ErasureException")]
public enum ErasureException
{
    /// <summary>Not given; never valid.</summary>
    Unspecified = 0,

    /// <summary>17(3)(a): exercising the right of freedom of expression and information.</summary>
    FreedomOfExpression = 1,

    /// <summary>17(3)(b): compliance with a legal obligation, or a task in the public interest.</summary>
    LegalObligation = 2,

    /// <summary>17(3)(c): public interest in the area of public health.</summary>
    PublicHealth = 3,

    /// <summary>17(3)(d): archiving in the public interest, scientific or historical research, statistics.</summary>
    ArchivingOrResearch = 4,

    /// <summary>17(3)(e): the establishment, exercise or defence of legal claims.</summary>
    LegalClaims = 5,
}
