using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Custodian.Silo.Storage;
using Custodian.Subjects;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace Custodian.Benchmarks;

/// <summary>
/// The memory benchmark's <c>secure</c> storage: a read of a <see cref="DataSubjectState"/> fabricates the grain's
/// state (one <see cref="Category"/> record of <see cref="RecordBytes"/> bytes of fields, the same for the same grain key)
/// and hands the grain what the silo's serializer makes of it, as the encrypting storage hands it the plaintext it
/// opened; writes and clears of such a state store nothing. So many grains' states cost no storage I/O, no
/// decryption and no second copy in the silo's memory. Every other state goes to the silo's own <c>secure</c> chain.
/// </summary>
internal sealed class FabricatedSubjectStorage(IGrainStorage secure, Serializer serializer) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The category of the one record each state holds.</summary>
    public const string Category = "contact";

    /// <summary>The record's size as <see cref="PersonalDataRecord.SizeInBytes"/> counts it: field names plus values, UTF-8.</summary>
    public const int RecordBytes = 1024;

    private const string Purpose = "Account management and service messages";
    private static readonly DateTimeOffset WrittenAt = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long _fabricated;

    /// <summary>How many states this storage has fabricated: one per activation of a DataSubject grain.</summary>
    public long Fabricated => Interlocked.Read(ref _fabricated);

    /// <summary>
    /// Registers this storage as <c>secure</c> over the silo's own <c>secure</c> chain (its last keyed registration,
    /// taken from <paramref name="services"/>); call it after the silo's registrations, so that this one wins.
    /// </summary>
    public static void Replace(IServiceCollection services)
    {
        var silo = services.Last(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, SecureStorageOptions.ProviderName))
            .KeyedImplementationFactory ?? throw new InvalidOperationException("The silo's secure storage is not registered by a factory.");
        // Typed as IGrainStorage, so that no second lifecycle participant is added: the silo's own, which resolves the
        // storage by name, now resolves this one, and this one passes the lifecycle on to the silo's chain.
        services.AddGrainStorage(SecureStorageOptions.ProviderName, (sp, name) =>
            (IGrainStorage)new FabricatedSubjectStorage((IGrainStorage)silo(sp, name), sp.GetRequiredService<Serializer>()));
    }

    /// <summary>The state a DataSubject grain keyed <paramref name="grainKey"/> (<c>tenant/subject</c>) reads: one valid record.</summary>
    public static DataSubjectState Fabricate(string grainKey)
    {
        var random = new Random(BinaryPrimitives.ReadInt32LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(grainKey))));
        var subject = SubjectRef.FromGrainKey(grainKey).SubjectId;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["email"] = $"{subject}@example.org",
            ["name"] = $"Subject {subject}",
            ["phone"] = $"+44 20 7946 {random.Next(10_000):D4}",
        };
        const string address = "address";
        var length = RecordBytes - address.Length - fields.Sum(f => f.Key.Length + f.Value.Length);
        fields[address] = string.Create(length, random, (chars, r) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = i % 8 == 7 ? ' ' : (char)('a' + r.Next(26));
            }
        });
        var record = new PersonalDataRecord(Category, Purpose, LegalBasis.Contract, fields.ToImmutableSortedDictionary(StringComparer.Ordinal));
        return new DataSubjectState { Records = ImmutableSortedDictionary<string, StoredRecord>.Empty.Add(Category, new StoredRecord(record, WrittenAt, 1)), Version = 1 };
    }

    /// <summary>What a read hands the grain keyed <paramref name="grainKey"/>: its <see cref="Fabricate"/>d state as the silo's serializer makes it from bytes.</summary>
    public DataSubjectState Read(string grainKey) =>
        serializer.Deserialize<DataSubjectState>(serializer.SerializeToArray(Fabricate(grainKey))) ?? throw new InvalidOperationException("The serializer read no state back.");

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState is not IGrainState<DataSubjectState> subject)
        {
            return secure.ReadStateAsync(stateName, grainId, grainState);
        }

        subject.State = Read(grainId.Key.ToString());
        subject.RecordExists = true;
        subject.ETag = "fabricated";
        Interlocked.Increment(ref _fabricated);
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        grainState is IGrainState<DataSubjectState> ? Task.CompletedTask : secure.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        grainState is IGrainState<DataSubjectState> ? Task.CompletedTask : secure.ClearStateAsync(stateName, grainId, grainState);

    public void Participate(ISiloLifecycle lifecycle) => (secure as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
}
