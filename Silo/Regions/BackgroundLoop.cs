namespace Custodian.Silo.Regions;

/// <summary>
/// The background loop of a region service (the lease renewal, the replica's drain, the failover probes):
/// started once when the silo starts, and on stop cancelled and awaited, whatever it ended with.
/// </summary>
internal sealed class BackgroundLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>Runs <paramref name="loop"/> on the thread pool until <see cref="DisposeAsync"/>.</summary>
    public void Start(Func<CancellationToken, Task> loop) => _loop = Task.Run(() => loop(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        if (_loop is not null)
        {
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
