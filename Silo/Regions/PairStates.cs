using Orleans.Storage;

namespace Custodian.Silo.Regions;

/// <summary>
/// The pair region's state table, through the same Azure Table provider (so both copies have the same rows,
/// byte for byte), but initialised by <see cref="PairReplica"/> rather than by the silo's start: a region
/// must start, degraded, while its pair is down.
/// </summary>
public sealed class PairStates : IGrainStorage, ISiloLifecycle
{
    private readonly IGrainStorage _table;
    private readonly List<ILifecycleObserver> _observers = [];

    /// <summary>Wraps a provider that has not been initialised (it is not a lifecycle participant of the silo).</summary>
    public PairStates(IGrainStorage table)
    {
        _table = table;
        (table as ILifecycleParticipant<ISiloLifecycle>)?.Participate(this);
    }

    int ISiloLifecycle.HighestCompletedStage => 0;

    int ISiloLifecycle.LowestStoppedStage => 0;

    /// <summary>Creates the table (when missing) and readies the provider; throws when the pair cannot be reached.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        foreach (var observer in _observers)
        {
            await observer.OnStart(cancellationToken);
        }
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => _table.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => _table.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => _table.ClearStateAsync(stateName, grainId, grainState);

    IDisposable ILifecycleObservable.Subscribe(string observerName, int stage, ILifecycleObserver observer)
    {
        _observers.Add(observer);
        return new Unsubscribe(() => _observers.Remove(observer));
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
