using Custodian.Regions;

namespace Custodian.Requests;

/// <summary>
/// One data-subject request (keyed <c>tenant/request</c>): filed once, then explicit transitions (identity
/// check, pause, resume, extension, closing) each refused with a reason when illegal, nothing changed.
/// A reminder warns before the due date and flags the request overdue at it.
/// </summary>
[Alias("Custodian.Requests.ISubjectRequestGrain")]
public interface ISubjectRequestGrain : IGrainWithStringKey, IDeadlineOwner
{
    /// <summary>Files the request; its due date is one calendar month from receipt.</summary>
    [Alias("File")]
    Task<RequestResult> FileAsync(RequestFiling filing);

    /// <summary>
    /// Files the request under <paramref name="idempotencyKey"/> (null: none, as <see cref="FileAsync(RequestFiling)"/>),
    /// kept in the grain's state with it: the same filing again under the key answers with the request as it stands,
    /// without filing anything; a different filing under it is refused.
    /// </summary>
    [Alias("FileOnce")]
    Task<RequestResult> FileAsync(RequestFiling filing, string? idempotencyKey);

    /// <summary>The request, or null when none was filed under this key.</summary>
    [Alias("Get")]
    Task<SubjectRequest?> GetAsync();

    /// <summary>Records the identity check's result: verified, or failed.</summary>
    [Alias("CheckIdentity")]
    Task<RequestResult> CheckIdentityAsync(bool verified, string actor);

    /// <summary>Stops the clock while waiting for the subject.</summary>
    [Alias("Pause")]
    Task<RequestResult> PauseAsync(string actor);

    /// <summary>Starts the clock again; the due date moves by exactly the time it stood still.</summary>
    [Alias("Resume")]
    Task<RequestResult> ResumeAsync(string actor);

    /// <summary>Extends the deadline by further calendar months (two in total at most), with reasons the subject is told now; only within the first month.</summary>
    [Alias("Extend")]
    Task<RequestResult> ExtendAsync(int months, string reasons, string actor);

    /// <summary>Closes the request with its outcome; final.</summary>
    [Alias("Close")]
    Task<RequestResult> CloseAsync(RequestClosing closing, string actor);

    /// <summary>Recomputes from the stored times which warnings and overdue flag are due, as a reminder tick does; issues each once.</summary>
    [Alias("CheckDeadlines")]
    Task<SubjectRequest?> CheckDeadlinesAsync();
}
