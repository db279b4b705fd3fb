namespace Custodian.Subjects;

/// <summary>Why a read for processing was refused although access was granted.</summary>
[GenerateSerializer, Alias("Custodian.Subjects.ReadRefusal")]
public enum ReadRefusal
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>Processing is restricted (Art. 18) and the purpose is not one 18(2) allows.</summary>
    Restricted = 1,

    /// <summary>The subject objected to processing for this purpose (Art. 21).</summary>
    Objected = 2,
}
