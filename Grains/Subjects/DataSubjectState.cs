using System.Collections.Immutable;
using Custodian.Idempotency;
using Custodian.Storage;

namespace Custodian.Subjects;

/// <summary>
/// What a DataSubject grain persists: its records by category and the state of the subject's rights
/// (restriction, objections, recipients, legal hold), or that it was erased.
/// </summary>
[GenerateSerializer, Alias("Custodian.Subjects.DataSubjectState")]
public sealed class DataSubjectState : IErasableState
{
    /// <summary>Records by category name.</summary>
    [Id(0)]
    public ImmutableSortedDictionary<string, StoredRecord> Records { get; set; } = ImmutableSortedDictionary<string, StoredRecord>.Empty;

    /// <summary>Set once the subject was crypto-shredded; the storage sets it on every read afterwards.</summary>
    [Id(1)]
    public ErasureRecord? Erasure { get; set; }

    /// <summary>Set while processing is restricted (Art. 18).</summary>
    [Id(2)]
    public Restriction? Restriction { get; set; }

    /// <summary>The subject's objections (Art. 21), by purpose.</summary>
    [Id(3)]
    public ImmutableSortedDictionary<string, Objection> Objections { get; set; } = ImmutableSortedDictionary<string, Objection>.Empty;

    /// <summary>Recipients of each category (Art. 19), by category name.</summary>
    [Id(4)]
    public ImmutableSortedDictionary<string, ImmutableArray<Recipient>> Recipients { get; set; } = ImmutableSortedDictionary<string, ImmutableArray<Recipient>>.Empty;

    /// <summary>Set while a legal hold (Art. 17(3)) keeps data from erasure.</summary>
    [Id(5)]
    public LegalHold? Hold { get; set; }

    /// <summary>Counts the subject's stored changes; a record carries the count of the change that wrote it.</summary>
    [Id(6)]
    public long Version { get; set; }

    /// <summary>
    /// The recent writes made under an idempotency key (at most <see cref="RecentWrites.Kept"/>, oldest first), written
    /// with the change each made. Absent (empty) in states stored before keys were kept.
    /// </summary>
    [Id(7)]
    public ImmutableArray<KeyedWrite> KeyedWrites { get; set; } = [];

    /// <summary>A copy whose immutable members are shared: what to go back to when a write fails.</summary>
    public DataSubjectState Snapshot() => (DataSubjectState)MemberwiseClone();

    /// <summary>Puts every member back as it was in <paramref name="snapshot"/>.</summary>
    public void RestoreFrom(DataSubjectState snapshot)
    {
        Records = snapshot.Records;
        Erasure = snapshot.Erasure;
        Restriction = snapshot.Restriction;
        Objections = snapshot.Objections;
        Recipients = snapshot.Recipients;
        Hold = snapshot.Hold;
        Version = snapshot.Version;
        KeyedWrites = snapshot.KeyedWrites;
    }
}
