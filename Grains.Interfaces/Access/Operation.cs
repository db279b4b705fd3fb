namespace Custodian.Access;

/// <summary>What a call does with personal data; every gRPC method that touches it declares one.</summary>
[GenerateSerializer, Alias("Custodian.Access.Operation")]
public enum Operation
{
    /// <summary>Not an operation; never granted.</summary>
    Unspecified = 0,

    /// <summary>Read records or list categories.</summary>
    Read = 1,

    /// <summary>Create or change records.</summary>
    Write = 2,

    /// <summary>Take a copy out (Art. 15/20 exports).</summary>
    Export = 3,

    /// <summary>Erase (crypto-shred) a subject.</summary>
    Erase = 4,

    /// <summary>Restrict or lift a restriction (Art. 18).</summary>
    Restrict = 5,

    /// <summary>File a data-subject request for the subject (helpdesk staff entering an Art. 12 request).</summary>
    FileRequest = 6,
}
