namespace Custodian.Requests;

/// <summary>The legal ground of a refusal.</summary>
[GenerateSerializer, Alias("Custodian.Requests.RefusalGround")]
public enum RefusalGround
{
    /// <summary>No ground (the request was not refused).</summary>
    None = 0,

    /// <summary>Art. 12(5): manifestly unfounded.</summary>
    ManifestlyUnfounded = 1,

    /// <summary>Art. 12(5): excessive, in particular because repetitive.</summary>
    Excessive = 2,

    /// <summary>Art. 12(4): no action taken, for the reason given.</summary>
    NoAction = 3,
}
