namespace Custodian.Storage;

/// <summary>
/// A grain state the <c>secure</c> storage can report as erased. Before clearing, a grain sets
/// <see cref="Erasure"/> to say who erases and why (the shred receipt records it); after the data
/// key is destroyed, every read of any stored copy yields a fresh state whose
/// <see cref="Erasure"/> is set, instead of an error.
/// </summary>
public interface IErasableState
{
    /// <summary>Set when the grain's data was erased (or is being erased by the current clear).</summary>
    ErasureRecord? Erasure { get; set; }
}
