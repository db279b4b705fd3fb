namespace Custodian.Benchmarks;

/// <summary>A grain that writes and re-reads one state, so the benchmark times the storage path alone.</summary>
public interface IStateBench : IGrainWithIntegerKey
{
    /// <summary>Replaces the state with <paramref name="payload"/> and writes it.</summary>
    Task WriteAsync(byte[] payload);

    /// <summary>Reads the state from storage again and returns its size.</summary>
    Task<int> ReadAsync();

    /// <summary>The size of the state in memory (a cached read; on a deactivated grain, its activation).</summary>
    Task<int> SizeAsync();
}

/// <summary>The <c>secure</c> chain with the activation's comparison with the pair's copy turned off (the integrity benchmark's "before").</summary>
public interface ISecureUncheckedStateBench : IStateBench;

/// <summary>The <c>secure</c> chain with the version record kept in the witness's account.</summary>
public interface ISecureRecordedStateBench : IStateBench;

/// <summary>The encrypted variant, replicated to the pair region (the <c>secure</c> storage as the silo registers it).</summary>
public interface ISecureStateBench : IStateBench;

/// <summary>The encrypted variant over this region's table only (the benchmark's own storage, no replication).</summary>
public interface ISecureSingleStateBench : IStateBench;

/// <summary>The plain variant.</summary>
public interface IPlainStateBench : IStateBench;

/// <summary>A state of raw bytes.</summary>
[GenerateSerializer]
public sealed class BenchState
{
    [Id(0)]
    public byte[] Data { get; set; } = [];
}

/// <summary>Shared body of every variant.</summary>
public abstract class StateBenchGrain(IPersistentState<BenchState> state) : Grain
{
    public async Task WriteAsync(byte[] payload)
    {
        state.State.Data = payload;
        await state.WriteStateAsync();
    }

    public async Task<int> ReadAsync()
    {
        await state.ReadStateAsync();
        return state.State.Data.Length;
    }

    public Task<int> SizeAsync() => Task.FromResult(state.State.Data.Length);
}

/// <summary>State on the benchmark's <c>secure-recorded</c> storage: the <c>secure</c> chain and the version record.</summary>
public sealed class SecureRecordedStateBenchGrain([PersistentState("s", IntegrityBenchmark.RecordedProvider)] IPersistentState<BenchState> state)
    : StateBenchGrain(state), ISecureRecordedStateBench;

/// <summary>State on the benchmark's <c>secure-unchecked</c> storage: the <c>secure</c> chain, its copy never compared with the pair's.</summary>
public sealed class SecureUncheckedStateBenchGrain([PersistentState("s", IntegrityBenchmark.UncheckedProvider)] IPersistentState<BenchState> state)
    : StateBenchGrain(state), ISecureUncheckedStateBench;

/// <summary>State on the <c>secure</c> storage (AES-256-GCM, per-grain data key; this region's table, then the pair's).</summary>
public sealed class SecureStateBenchGrain([PersistentState("s", "secure")] IPersistentState<BenchState> state)
    : StateBenchGrain(state), ISecureStateBench;

/// <summary>
/// State on the benchmark's <c>secure-single</c> storage: the same encryption, data keys and fence as <c>secure</c>, over
/// this region's table only (no <c>ReplicatedGrainStorage</c>); a new grain's data key still goes to the pair once.
/// </summary>
public sealed class SecureSingleStateBenchGrain([PersistentState("s", StorageBenchmark.SingleRegionProvider)] IPersistentState<BenchState> state)
    : StateBenchGrain(state), ISecureSingleStateBench;

/// <summary>State on a plain Azure Table storage on the same Azurite.</summary>
public sealed class PlainStateBenchGrain([PersistentState("s", "plain")] IPersistentState<BenchState> state)
    : StateBenchGrain(state), IPlainStateBench;
