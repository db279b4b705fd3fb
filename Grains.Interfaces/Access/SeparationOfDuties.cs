namespace Custodian.Access;

/// <summary>
/// Who may authorise whom (annex 5: access individually authorised by the Security &amp; Privacy
/// Officer): an officer never authorises itself, and under the two-person rule the approver is another
/// officer than the issuer. A suspended officer authorises nothing (checked by the grains, which ask
/// the officer's Principal grain).
/// </summary>
public static class SeparationOfDuties
{
    /// <summary>Why <paramref name="officer"/> may not issue (or renew) a grant for <paramref name="principal"/>, or null.</summary>
    public static string? RefuseIssue(string officer, string principal) =>
        officer == principal ? "An officer cannot issue a grant to itself; another officer must." : null;

    /// <summary>Why <paramref name="officer"/> may not approve <paramref name="grant"/>, or null.</summary>
    public static string? RefuseApproval(string officer, Grant grant) =>
        officer == grant.Request.Principal ? "An officer cannot approve a grant made out to itself."
        : officer == grant.IssuedBy ? "A grant's issuer and approver are two different officers: the issuer cannot approve their own grant."
        : null;

    /// <summary>Why <paramref name="officer"/> may not lift the suspension of <paramref name="principal"/>, or null.</summary>
    public static string? RefuseResume(string officer, string principal) =>
        officer == principal ? "A suspended principal cannot lift its own suspension; another officer must." : null;

    /// <summary><see cref="Suspended"/> when <paramref name="officer"/>'s Principal grain holds a suspension, else null.</summary>
    public static async Task<string?> RefuseSuspendedAsync(IGrainFactory grains, string officer) =>
        await grains.GetGrain<IPrincipalGrain>(officer).GetSuspensionAsync() is null ? null : Suspended;

    /// <summary>The refusal for an officer who is suspended.</summary>
    public const string Suspended = "This officer is suspended by a security alert and can authorise nothing until another officer lifts the suspension.";
}
