namespace Custodian.Requests;

/// <summary>How a request was answered.</summary>
[GenerateSerializer, Alias("Custodian.Requests.OutcomeKind")]
public enum OutcomeKind
{
    /// <summary>Not an outcome.</summary>
    Unspecified = 0,

    /// <summary>Done as asked.</summary>
    Fulfilled = 1,

    /// <summary>Done in part; the reason says what was not and why.</summary>
    PartiallyFulfilled = 2,

    /// <summary>Not acted on; the reason and the ground say why.</summary>
    Refused = 3,
}
