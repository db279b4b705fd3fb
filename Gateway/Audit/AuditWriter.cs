using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Custodian.Audit;
using Custodian.Hosting;

namespace Custodian.Gateway.Audit;

/// <summary>
/// Writes audit records to the region's trail with group commit: records queue per partition, and
/// while one batch is being stored the next one gathers, so auditing costs one storage round trip
/// per batch, not per call. A record goes to its actor's partition unless more than a full batch is
/// waiting there, then to the least busy one: a slow partition holds up only what it already has. A caller's task
/// completes only once its record is durably stored, and fails when it could not be.
/// </summary>
public sealed class AuditWriter : IAuditTrail
{
    private readonly Partition[] _partitions;

    public AuditWriter(IClusterClient cluster, GatewayOptions gateway, AuditOptions options, IMeterFactory meters)
        : this(n => cluster.GetGrain<IAuditPartitionGrain>(AuditPartitions.Name(gateway.Region, n)), options.Partitions, meters)
    {
    }

    /// <summary>A writer over <paramref name="partitions"/> partitions whose grains <paramref name="partition"/> names (made on first use).</summary>
    public AuditWriter(Func<int, IAuditPartitionGrain> partition, int partitions, IMeterFactory meters)
    {
        var meter = meters.Create("Custodian.Audit");
        var lag = meter.CreateHistogram<double>("custodian.audit.lag", "s", "Time from a record's arrival to its durable storage");
        var batches = meter.CreateHistogram<int>("custodian.audit.batch.size", "{record}", "Records stored per audit append");
        var failures = meter.CreateCounter<long>("custodian.audit.failures", "{record}", "Records the trail could not store (their calls failed)");
        _partitions = [.. Enumerable.Range(0, Math.Max(1, partitions)).Select(n => new Partition(() => partition(n), lag, batches, failures))];
        meter.CreateObservableGauge("custodian.audit.queued", () => _partitions.Sum(p => (long)p.Pending), "{record}", "Records waiting to be stored");
    }

    /// <summary>Stores the record; completes when it is durable.</summary>
    public Task WriteAsync(AuditRecord record)
    {
        // An actor's records go to its own partition, where they batch with the others queued there;
        // only when more than a full batch is already waiting (a slow or busy partition) do they
        // move to the least busy one. Spreading earlier would split batches into more appends.
        var start = AuditPartitions.Of(record.Actor, _partitions.Length);
        var chosen = _partitions[start];
        for (var i = 1; i < _partitions.Length && chosen.Pending > AuditPartitionLimits.MaxBatch; i++)
        {
            var candidate = _partitions[(start + i) % _partitions.Length];
            if (candidate.Pending < chosen.Pending)
            {
                chosen = candidate;
            }
        }

        return chosen.EnqueueAsync(record);
    }

    /// <summary>One partition's queue; its grain reference is made on first use, once the client knows the cluster.</summary>
    private sealed class Partition(Func<IAuditPartitionGrain> grainReference, Histogram<double> lag, Histogram<int> batches, Counter<long> failures)
    {
        private IAuditPartitionGrain? _grain;
        private readonly ConcurrentQueue<(AuditRecord Record, TaskCompletionSource Done, long Since)> _queue = new();
        private int _flushing;
        private int _pending;

        /// <summary>Records queued or being stored.</summary>
        public int Pending => Volatile.Read(ref _pending);

        public Task EnqueueAsync(AuditRecord record)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Increment(ref _pending);
            _queue.Enqueue((record, done, Stopwatch.GetTimestamp()));
            if (Interlocked.CompareExchange(ref _flushing, 1, 0) == 0)
            {
                _ = Task.Run(FlushAsync);
            }

            return done.Task;
        }

        private async Task FlushAsync()
        {
            while (true)
            {
                var batch = new List<(AuditRecord Record, TaskCompletionSource Done, long Since)>(AuditPartitionLimits.MaxBatch);
                while (batch.Count < AuditPartitionLimits.MaxBatch && _queue.TryDequeue(out var item))
                {
                    batch.Add(item);
                }

                if (batch.Count == 0)
                {
                    Volatile.Write(ref _flushing, 0);
                    if (_queue.IsEmpty || Interlocked.CompareExchange(ref _flushing, 1, 0) != 0)
                    {
                        return;
                    }

                    continue;
                }

                try
                {
                    await (_grain ??= grainReference()).AppendAsync([.. batch.Select(b => b.Record)]);
                    batches.Record(batch.Count);
                    foreach (var (_, done, since) in batch)
                    {
                        lag.Record(Stopwatch.GetElapsedTime(since).TotalSeconds);
                        done.TrySetResult();
                    }
                }
                catch (Exception e)
                {
                    failures.Add(batch.Count);
                    batch.ForEach(b => b.Done.TrySetException(e));
                }
                finally
                {
                    Interlocked.Add(ref _pending, -batch.Count);
                }
            }
        }
    }
}
