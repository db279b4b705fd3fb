namespace Custodian.Gateway.Access;

/// <summary>An allowed call: what allowed it, for which purpose, and the storing of its audit record.</summary>
public sealed class AccessDecision(string allowedBy, string purpose, Task recorded)
{
    /// <summary>Where the decision is kept on the call's HttpContext, for the outcome record.</summary>
    public const string ItemKey = "custodian.access-decision";

    /// <summary>The grant id, or <c>role:app</c>, that allowed the call.</summary>
    public string AllowedBy { get; } = allowedBy;

    /// <summary>
    /// The purpose of processing, as <see cref="Custodian.Subjects.ProcessingPurposes.Normalize"/> gives
    /// it: the grant's purpose, or what a client application declared; empty when none was.
    /// </summary>
    public string Purpose { get; } = purpose;

    /// <summary>Completes once the decision is durably in the audit trail; throws UNAVAILABLE when it could not be stored.</summary>
    public Task RecordedAsync() => recorded;
}
