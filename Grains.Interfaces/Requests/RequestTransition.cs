namespace Custodian.Requests;

/// <summary>One transition of a request: what happened, by whom, when; <see cref="Detail"/> never holds personal data.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Requests.RequestTransition")]
public sealed record RequestTransition(
    [property: Id(0)] string Action,
    [property: Id(1)] string Actor,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Detail);
