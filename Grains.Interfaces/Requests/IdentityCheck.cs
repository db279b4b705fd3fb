namespace Custodian.Requests;

/// <summary>Where the check of the requester's identity stands; a request is fulfilled only once it is verified.</summary>
[GenerateSerializer, Alias("Custodian.Requests.IdentityCheck")]
public enum IdentityCheck
{
    /// <summary>Not checked yet.</summary>
    Pending = 0,

    /// <summary>The requester is the data subject.</summary>
    Verified = 1,

    /// <summary>The identity could not be confirmed.</summary>
    Failed = 2,
}
