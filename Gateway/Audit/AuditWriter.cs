using System.Collections.Concurrent;
using Custodian.Audit;
using Custodian.Hosting;

namespace Custodian.Gateway.Audit;

/// <summary>
/// Writes audit records to the region's trail with group commit: records queue per partition, and
/// while one batch is being stored the next one gathers, so auditing costs one storage round trip
/// per batch, not per call. A caller's task completes only once its record is durably stored, and
/// fails when it could not be. A slow partition holds up only its own callers.
/// </summary>
public sealed class AuditWriter
{
    private readonly Partition[] _partitions;

    public AuditWriter(IClusterClient cluster, GatewayOptions gateway, AuditOptions options) =>
        _partitions = [.. Enumerable.Range(0, Math.Max(1, options.Partitions))
            .Select(n => new Partition(cluster.GetGrain<IAuditPartitionGrain>($"{gateway.Region}/{n}")))];

    /// <summary>Stores the record; completes when it is durable. Records of one actor stay in one partition, in order.</summary>
    public Task WriteAsync(AuditRecord record) =>
        _partitions[(int)((uint)StringComparer.Ordinal.GetHashCode(record.Actor) % (uint)_partitions.Length)].EnqueueAsync(record);

    private sealed class Partition(IAuditPartitionGrain grain)
    {
        private readonly ConcurrentQueue<(AuditRecord Record, TaskCompletionSource Done)> _queue = new();
        private int _flushing;

        public Task EnqueueAsync(AuditRecord record)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Enqueue((record, done));
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
                var batch = new List<(AuditRecord Record, TaskCompletionSource Done)>(AuditPartitionLimits.MaxBatch);
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
                    await grain.AppendAsync([.. batch.Select(b => b.Record)]);
                    batch.ForEach(b => b.Done.TrySetResult());
                }
                catch (Exception e)
                {
                    batch.ForEach(b => b.Done.TrySetException(e));
                }
            }
        }
    }
}
