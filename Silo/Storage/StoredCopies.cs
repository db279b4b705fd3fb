using Custodian.Silo.Regions;

namespace Custodian.Silo.Storage;

/// <summary>
/// What a read of the <c>secure</c> chain's inner storage found: this region's envelope and, when the
/// replicated storage read it too (an activation's first read), the pair region's copy.
/// </summary>
public sealed class StoredCopies : IGrainState<EncryptedEnvelope>
{
    public EncryptedEnvelope? State { get; set; }

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }

    /// <summary>The pair's copy, as the replicated storage read it; <see cref="PairCopy.Unknown"/> when it did not.</summary>
    public PairCopy Pair { get; set; } = PairCopy.Unknown;
}
