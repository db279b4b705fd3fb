using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Custodian.Storage;

namespace Custodian.Audit;

/// <summary>
/// The one writer of a region's audit trail, used by the gateway and the silo alike. Group commit: writes
/// queue per partition, and while one batch is being stored the next one gathers, so auditing costs one
/// storage round trip per batch, not per call. A write goes to its (first) actor's partition
/// (<see cref="AuditPartitions.Of"/>) unless more than a full batch is waiting there, then to the least busy
/// one: a slow partition holds up only what it already has. The records of one write stay together and in
/// order. A caller's task completes only once its records are durably stored, and fails when they could not be.
/// A partition that refuses an append because its stored head failed its integrity check (a
/// <see cref="StoredStateIntegrityException"/>: forged, rolled back or missing) takes no writes for five seconds; its
/// writes, and those waiting for it, go to the other partitions, so a tampered partition is left as found
/// (the evidence) while the trail goes on recording. Only when every partition refuses do the writes fail.
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
        _partitions = [.. Enumerable.Range(0, Math.Max(1, partitions)).Select(n => new Partition(() => partition(n), instruments, Reroute))];
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
        // move to the least busy one. Spreading earlier would split batches into more appends. A partition that
        // refused its stored head a moment ago is passed over.
        var write = new Write(records, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), Stopwatch.GetTimestamp());
        if (Choose(AuditPartitions.Of(records[0].Actor, _partitions.Length), except: null) is not { } chosen)
        {
            return Task.FromException(new StoredStateIntegrityException("Every partition of the audit trail refused its stored head; nothing can be recorded."));
        }

        chosen.Enqueue(write);
        return write.Done.Task;
    }

    /// <summary>
    /// The partition a write goes to: the first from <paramref name="start"/> on that is not refusing writes (nor
    /// <paramref name="except"/>), or a less busy one when more than a full batch waits there; null when all refuse.
    /// </summary>
    private Partition? Choose(int start, Partition? except)
    {
        Partition? chosen = null;
        for (var i = 0; i < _partitions.Length; i++)
        {
            var candidate = _partitions[(start + i) % _partitions.Length];
            if (candidate == except || candidate.Refusing)
            {
                continue;
            }

            if (chosen is null)
            {
                chosen = candidate;
            }
            else if (chosen.Pending <= AuditPartitionLimits.MaxBatch)
            {
                break;
            }
            else if (candidate.Pending < chosen.Pending)
            {
                chosen = candidate;
            }
        }

        return chosen;
    }

    /// <summary>Hands a write that <paramref name="from"/> refused to another partition; false when none takes writes.</summary>
    private bool Reroute(Write write, Partition from)
    {
        if (Choose(0, except: from) is not { } other)
        {
            return false;
        }

        other.Enqueue(write);
        return true;
    }

    /// <summary>Stops taking writes; what is queued is still stored (or failed) before this completes.</summary>
    public async ValueTask DisposeAsync() => await Task.WhenAll(_partitions.Select(p => p.CompleteAsync()));

    private static bool IsRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is StoredStateIntegrityException)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Instruments(Histogram<double> Lag, Histogram<int> Batches, Counter<long> Failures);

    /// <summary>Records of one write, and the caller waiting for them.</summary>
    private sealed record Write(ImmutableArray<AuditRecord> Records, TaskCompletionSource Done, long Since);

    /// <summary>One partition's queue and the loop that stores it; its grain reference is made on first use, once the client knows the cluster.</summary>
    private sealed class Partition
    {
        /// <summary>How long a partition that refused its stored head takes no writes before it is tried again.</summary>
        private const long RefusalMilliseconds = 5_000;

        private readonly Func<IAuditPartitionGrain> _grainReference;
        private readonly Instruments _instruments;
        private readonly Func<Write, Partition, bool> _reroute;
        private readonly Channel<Write> _queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Task _storing;
        private IAuditPartitionGrain? _grain;
        private int _pending;
        private long _refusingUntil;

        public Partition(Func<IAuditPartitionGrain> grainReference, Instruments instruments, Func<Write, Partition, bool> reroute)
        {
            _grainReference = grainReference;
            _instruments = instruments;
            _reroute = reroute;
            _storing = Task.Run(StoreAsync);
        }

        /// <summary>Records queued or being stored.</summary>
        public int Pending => Volatile.Read(ref _pending);

        /// <summary>Whether the partition refused its stored head less than five seconds ago, and so takes no writes.</summary>
        public bool Refusing => Environment.TickCount64 < Volatile.Read(ref _refusingUntil);

        public void Enqueue(Write write)
        {
            Interlocked.Add(ref _pending, write.Records.Length);
            if (!_queue.Writer.TryWrite(write))
            {
                Interlocked.Add(ref _pending, -write.Records.Length);
                write.Done.TrySetException(new ObjectDisposedException(nameof(AuditWriter), "The audit trail is shutting down."));
            }
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
            var stored = false;
            try
            {
                if (Refusing)
                {
                    throw new StoredStateIntegrityException("This partition of the audit trail refused its stored head a moment ago.");
                }

                var grain = _grain ??= _grainReference();
                var records = batch.Count == 1 ? batch[0].Records : [.. batch.SelectMany(w => w.Records)];
                for (var start = 0; start < records.Length; start += AuditPartitionLimits.MaxBatch)
                {
                    var slice = records.Slice(start, Math.Min(AuditPartitionLimits.MaxBatch, records.Length - start));
                    await grain.AppendAsync(slice);
                    stored = true;
                    _instruments.Batches.Record(slice.Length);
                }

                foreach (var write in batch)
                {
                    _instruments.Lag.Record(Stopwatch.GetElapsedTime(write.Since).TotalSeconds);
                    write.Done.TrySetResult();
                }
            }
            catch (Exception e) when (!stored && IsRefusal(e))
            {
                // Nothing of the batch was stored: each write goes whole to another partition, or fails if none takes writes.
                Volatile.Write(ref _refusingUntil, Environment.TickCount64 + RefusalMilliseconds);
                foreach (var write in batch.Where(w => !_reroute(w, this)))
                {
                    _instruments.Failures.Add(write.Records.Length);
                    write.Done.TrySetException(e);
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
