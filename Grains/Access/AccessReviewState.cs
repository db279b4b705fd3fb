namespace Custodian.Access;

/// <summary>What the review grain persists: the open or last review.</summary>
[GenerateSerializer, Alias("Custodian.Access.AccessReviewState")]
public sealed class AccessReviewState
{
    [Id(0)]
    public AccessReview? Review { get; set; }
}
