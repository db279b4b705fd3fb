namespace Custodian.Storage;

/// <summary>
/// A stored state failed its authenticity check: it was altered, truncated, or moved from
/// another grain. Nothing of it is returned and the stored copy is left as it was. The message
/// names the grain and state only, never any of the data.
/// </summary>
[GenerateSerializer, Alias("Custodian.Storage.StoredStateIntegrityException")]
public sealed class StoredStateIntegrityException : OrleansException
{
    /// <summary>Creates the exception for one grain's state.</summary>
    public StoredStateIntegrityException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception for one grain's state, with the cryptographic cause.</summary>
    public StoredStateIntegrityException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
