namespace Custodian.Requests;

/// <summary>A time the clock stood still while waiting for the subject; <see cref="Until"/> is null while it lasts.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Requests.RequestPause")]
public sealed record RequestPause(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] DateTimeOffset? Until);
