using System.Collections.Immutable;

namespace Custodian.Access;

/// <summary>What an officer decided about one grant in a review.</summary>
[GenerateSerializer, Alias("Custodian.Access.ReviewDecision")]
public enum ReviewDecision
{
    /// <summary>Not decided yet; suspended at the deadline.</summary>
    Pending = 0,

    /// <summary>Kept.</summary>
    Confirmed = 1,

    /// <summary>Revoked by the officer.</summary>
    Revoked = 2,

    /// <summary>Suspended because nobody decided before the deadline.</summary>
    Suspended = 3,
}

/// <summary>One grant under review: whose, where, whether it was used, and the decision.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.ReviewItem")]
public sealed record ReviewItem(
    [property: Id(0)] string GrantId,
    [property: Id(1)] string Principal,
    [property: Id(2)] string TenantId,
    [property: Id(3)] DateTimeOffset ValidUntil,
    [property: Id(4)] DateTimeOffset? LastUsedAt,
    [property: Id(5)] ReviewDecision Decision,
    [property: Id(6)] string? DecidedBy,
    [property: Id(7)] string? Reason);

/// <summary>An access review: every grant in force when it opened, each to be confirmed or revoked by the deadline.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Access.AccessReview")]
public sealed record AccessReview(
    [property: Id(0)] string ReviewId,
    [property: Id(1)] DateTimeOffset OpenedAt,
    [property: Id(2)] DateTimeOffset Deadline,
    [property: Id(3)] string OpenedBy,
    [property: Id(4)] ImmutableArray<ReviewItem> Items,
    [property: Id(5)] bool Closed);
