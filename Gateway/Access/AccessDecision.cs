namespace Custodian.Gateway.Access;

/// <summary>An allowed call: what allowed it, and the storing of its audit record.</summary>
public sealed class AccessDecision(string allowedBy, Task recorded)
{
    /// <summary>Where the decision is kept on the call's HttpContext, for the outcome record.</summary>
    public const string ItemKey = "custodian.access-decision";

    /// <summary>The grant id, or <c>role:app</c>, that allowed the call.</summary>
    public string AllowedBy { get; } = allowedBy;

    /// <summary>Completes once the decision is durably in the audit trail; throws UNAVAILABLE when it could not be stored.</summary>
    public Task RecordedAsync() => recorded;
}
