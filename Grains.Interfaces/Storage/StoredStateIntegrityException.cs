namespace Custodian.Storage;

/// <summary>
/// A stored state failed its authenticity check: it was altered, truncated, moved from another grain,
/// rolled back, reset, or erased by a forged tombstone. Nothing of it is returned and the stored copies
/// are left as they were. The message names the grain and state only, never any of the data;
/// <see cref="Finding"/> says what was found without naming the grain (what a caller is told).
/// </summary>
[GenerateSerializer, Alias("Custodian.Storage.StoredStateIntegrityException")]
public sealed class StoredStateIntegrityException : OrleansException
{
    /// <summary>Creates the exception for one grain's state.</summary>
    public StoredStateIntegrityException(string message, string finding = "") : base(message)
    {
        Finding = finding;
    }

    /// <summary>Creates the exception for one grain's state, with the cryptographic cause.</summary>
    public StoredStateIntegrityException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>What was found, e.g. "it was rolled back: …" (empty when the envelope itself failed to open).</summary>
    [Id(0)]
    public string Finding { get; private set; } = "";
}
