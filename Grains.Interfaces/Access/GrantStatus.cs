namespace Custodian.Access;

/// <summary>Where a grant is in its lifecycle: request → (approval) → active → expired or revoked.</summary>
[GenerateSerializer, Alias("Custodian.Access.GrantStatus")]
public enum GrantStatus
{
    /// <summary>Never issued.</summary>
    None = 0,

    /// <summary>Issued under the two-person rule; inactive until a second officer approves.</summary>
    AwaitingApproval = 1,

    /// <summary>In force within its validity window.</summary>
    Active = 2,

    /// <summary>Its window ended.</summary>
    Expired = 3,

    /// <summary>Withdrawn by an officer; final.</summary>
    Revoked = 4,

    /// <summary>Left unreviewed past an access review's deadline; final (renewal issues a new grant).</summary>
    Suspended = 5,
}
