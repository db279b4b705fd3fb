using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace Custodian.Audit;

/// <summary>
/// The one writer of a region's audit trail, used by the gateway and the silo alike. Group commit: writes
/// queue per partition, and while one batch is being stored the next one gathers, so auditing costs one
/// storage round trip per batch, not per call. A write goes to its (first) actor's partition
/// (<see cref="AuditPartitions.Of"/>) unless more than a full batch is waiting there, then to the least busy
/// one: a slow partition holds up only what it already has. The records of one write stay together and in
/// order. A caller's task completes only once its records are durably stored, and fails when they could not be.
/// </summary>
public sealed class AuditWriter : IAuditTrail, IAsyncDisposable
{
    private readonly Partition[] _partitions;

    /// <summary>A writer of <paramref name="region"/>'s trail of <paramref name="partitions"/> partitions.</summary>
    public AuditWriter(IGrainFactory grains, string region, int partitions, IMeterFactory meters)
        : this(n => grains.GetGrain<IAuditPartitionGrain>(AuditPartitions.Name(region, n)), partitions, meters)
    {
    }

    /// <summary>A writer over <paramref name="partitions"/> partitions whose grains <paramref name="partition"/> names (made on first use).</summary>
    public AuditWriter(Func<int, IAuditPartitionGrain> partition, int partitions, IMeterFactory meters)
    {
        var meter = meters.Create("Custodian.Audit");
        var instruments = new Instruments(
            meter.CreateHistogram<double>("custodian.audit.lag", "s", "Time from a record's arrival to its durable storage"),
            meter.CreateHistogram<int>("custodian.audit.batch.size", "{record}", "Records stored per audit append"),
            meter.CreateCounter<long>("custodian.audit.failures", "{record}", "Records the trail could not store (their calls failed)"));
        _partitions = [.. Enumerable.Range(0, Math.Max(1, partitions)).Select(n => new Partition(() => partition(n), instruments))];
        meter.CreateObservableGauge("custodian.audit.queued", () => _partitions.Sum(p => (long)p.Pending), "{record}", "Records waiting to be stored");
    }

    /// <summary>Stores the records together, in order; completes when they are durable.</summary>
    public Task WriteAsync(ImmutableArray<AuditRecord> records)
    {
        if (records.IsDefaultOrEmpty)
        {
            return Task.CompletedTask;
        }

        // An actor's records go to its own partition, where they batch with the others queued there;
        // only when more than a full batch is already waiting (a slow or busy partition) do they
        // move to the least busy one. Spreading earlier would split batches into more appends.
        var start = AuditPartitions.Of(records[0].Actor, _partitions.Length);
        var chosen = _partitions[start];
        for (var i = 1; i < _partitions.Length && chosen.Pending > AuditPartitionLimits.MaxBatch; i++)
        {
            var candidate = _partitions[(start + i) % _partitions.Length];
            if (candidate.Pending < chosen.Pending)
            {
                chosen = candidate;
            }
        }

        return chosen.EnqueueAsync(records);
    }

    /// <summary>Stops taking writes; what is queued is still stored (or failed) before this completes.</summary>
    public async ValueTask DisposeAsync() => await Task.WhenAll(_partitions.Select(p => p.CompleteAsync()));

    private sealed record Instruments(Histogram<double> Lag, Histogram<int> Batches, Counter<long> Failures);

    /// <summary>Records of one write, and the caller waiting for them.</summary>
    private sealed record Write(ImmutableArray<AuditRecord> Records, TaskCompletionSource Done, long Since);

    /// <summary>One partition's queue and the loop that stores it; its grain reference is made on first use, once the client knows the cluster.</summary>
    private sealed class Partition
    {
        private readonly Func<IAuditPartitionGrain> _grainReference;
        private readonly Instruments _instruments;
        private readonly Channel<Write> _queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Task _storing;
        private IAuditPartitionGrain? _grain;
        private int _pending;

        public Partition(Func<IAuditPartitionGrain> grainReference, Instruments instruments)
        {
            _grainReference = grainReference;
            _instruments = instruments;
            _storing = Task.Run(StoreAsync);
        }

        /// <summary>Records queued or being stored.</summary>
        public int Pending => Volatile.Read(ref _pending);

        public Task EnqueueAsync(ImmutableArray<AuditRecord> records)
        {
            var write = new Write(records, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), Stopwatch.GetTimestamp());
            Interlocked.Add(ref _pending, records.Length);
            if (!_queue.Writer.TryWrite(write))
            {
                Interlocked.Add(ref _pending, -records.Length);
                return Task.FromException(new ObjectDisposedException(nameof(AuditWriter), "The audit trail is shutting down."));
            }

            return write.Done.Task;
        }

        public Task CompleteAsync()
        {
            _queue.Writer.TryComplete();
            return _storing;
        }

        private async Task StoreAsync()
        {
            var reader = _queue.Reader;
            var batch = new List<Write>();
            while (await reader.WaitToReadAsync())
            {
                // A batch is whole writes, up to a full append; a write larger than that goes alone, in slices.
                var count = 0;
                while (reader.TryPeek(out var next) && (batch.Count == 0 || count + next.Records.Length <= AuditPartitionLimits.MaxBatch)
                    && reader.TryRead(out next))
                {
                    batch.Add(next);
                    count += next.Records.Length;
                }

                await StoreAsync(batch, count);
                batch.Clear();
            }
        }

        private async Task StoreAsync(List<Write> batch, int count)
        {
            try
            {
                var grain = _grain ??= _grainReference();
                var records = batch.Count == 1 ? batch[0].Records : [.. batch.SelectMany(w => w.Records)];
                for (var start = 0; start < records.Length; start += AuditPartitionLimits.MaxBatch)
                {
                    var slice = records.Slice(start, Math.Min(AuditPartitionLimits.MaxBatch, records.Length - start));
                    await grain.AppendAsync(slice);
                    _instruments.Batches.Record(slice.Length);
                }

                foreach (var write in batch)
                {
                    _instruments.Lag.Record(Stopwatch.GetElapsedTime(write.Since).TotalSeconds);
                    write.Done.TrySetResult();
                }
            }
            catch (Exception e)
            {
                _instruments.Failures.Add(count);
                batch.ForEach(w => w.Done.TrySetException(e));
            }
            finally
            {
                Interlocked.Add(ref _pending, -count);
            }
        }
    }
}
