namespace Custodian.Audit;

/// <summary>
/// A partition's head as stored with every append: the last entry's sequence and hash, and the first
/// sequence the subject index covers. Entries before <see cref="IndexedFrom"/> were stored before the
/// index existed (or by a writer that did not keep it), so queries by subject scan them instead.
/// </summary>
public readonly record struct AuditHead(long Sequence, string Hash, long IndexedFrom);
