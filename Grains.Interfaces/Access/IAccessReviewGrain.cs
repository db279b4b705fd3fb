using Custodian.Regions;

namespace Custodian.Access;

/// <summary>Access reviews (one grain per deployment): opened by a reminder every review period, or by an officer.</summary>
[Alias("Custodian.Access.IAccessReviewGrain")]
public interface IAccessReviewGrain : IGrainWithStringKey, IDeadlineOwner
{
    /// <summary>The key of the one review grain.</summary>
    const string Key = "reviews";

    /// <summary>Makes sure the periodic reminder exists (called when a silo starts).</summary>
    [Alias("EnsureScheduled")]
    Task EnsureScheduledAsync();

    /// <summary>Opens a review of every grant in force; when one is still open, returns it.</summary>
    [Alias("Open")]
    Task<AccessReview> OpenAsync(string actor);

    /// <summary>The open review, or the last one; null when none was ever opened.</summary>
    [Alias("Get")]
    Task<AccessReview?> GetAsync();

    /// <summary>Confirms or revokes one grant of the open review; refused when there is no open review, no such grant, or it was decided already.</summary>
    [Alias("Decide")]
    Task<ReviewResult> DecideAsync(string grantId, bool confirm, string officer, string reason);
}
