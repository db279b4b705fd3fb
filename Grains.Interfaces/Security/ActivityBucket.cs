namespace Custodian.Security;

/// <summary>A principal's calls, denials and exports in one minute or one hour.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Security.ActivityBucket")]
public sealed record ActivityBucket(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] int Calls,
    [property: Id(2)] int Denied,
    [property: Id(3)] int Exports);
