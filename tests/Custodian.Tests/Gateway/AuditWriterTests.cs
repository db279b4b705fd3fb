using System.Collections.Concurrent;
using System.Collections.Immutable;
using Custodian.Audit;
using Custodian.Gateway.Audit;
using Custodian.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;

namespace Custodian.Tests.Gateway;

/// <summary>The gateway's group commit, over partitions faked in memory.</summary>
public sealed class AuditWriterTests
{
    private static readonly IMeterFactory Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    [Fact]
    public async Task RecordsQueuedWhileAnAppendIsInFlightGoOutTogetherInTheNext()
    {
        // Arrange: one partition whose first append is held open
        var partition = new FakePartition();
        var writer = new AuditWriter(_ => partition, 1, Meters);

        // Act
        var first = writer.WriteAsync(Record("a", 0));
        await partition.Started.Task;
        var queued = Enumerable.Range(1, 10).Select(i => writer.WriteAsync(Record("a", i))).ToList();
        partition.Release();
        await Task.WhenAll([first, .. queued]);

        // Assert: two appends, the second with all ten, in order
        Assert.Equal([1, 10], partition.Appends.Select(a => a.Length));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"target-{i}"), partition.Appends[1].Select(r => r.Target));
    }

    [Fact]
    public async Task ASlowPartitionHoldsUpOnlyWhatItAlreadyHas()
    {
        // Arrange: four partitions; the actor's own one never answers, the others at once
        var partitions = Enumerable.Range(0, 4).Select(_ => new FakePartition()).ToArray();
        var slow = AuditPartitions.Of("actor", 4);
        foreach (var fast in partitions.Where((_, n) => n != slow))
        {
            fast.Release();
        }

        var writer = new AuditWriter(n => partitions[n], 4, Meters);

        // Act
        var writes = Enumerable.Range(0, 3 * AuditPartitionLimits.MaxBatch).Select(i => writer.WriteAsync(Record("actor", i))).ToList();
        var held = AuditPartitionLimits.MaxBatch + 1; // the append in flight, and a full batch behind it
        await Poll.UntilAsync(() => writes.Count(w => w.IsCompletedSuccessfully) == writes.Count - held ? Task.FromResult(true) : throw new InvalidOperationException("not yet"), TimeSpan.FromSeconds(10));

        // Assert: the slow partition kept what it had; everything else was stored elsewhere
        Assert.Single(partitions[slow].Appends);
        Assert.Equal(held, writes.Count(w => !w.IsCompleted));
        Assert.Equal(writes.Count - held, partitions.Where((_, n) => n != slow).Sum(p => p.Appends.Sum(a => a.Length)));
        partitions[slow].Release();
        await Task.WhenAll(writes);
        Assert.Equal(writes.Count, partitions.Sum(p => p.Appends.Sum(a => a.Length)));
    }

    [Fact]
    public async Task AFailedAppendFailsEveryCallInItsBatchAndTheNextBatchGoesOn()
    {
        var partition = new FakePartition { FailNext = true };
        partition.Release();
        var writer = new AuditWriter(_ => partition, 1, Meters);

        var failed = writer.WriteAsync(Record("a", 0));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed);
        await writer.WriteAsync(Record("a", 1));

        Assert.Equal(["target-1"], partition.Appends.Skip(1).SelectMany(a => a).Select(r => r.Target));
    }

    private static AuditRecord Record(string actor, int i) => new(DateTimeOffset.UtcNow, actor, "Read:x", $"target-{i}", "allowed", "127.0.0.1", "role:app");

    /// <summary>A partition grain that records appends and answers when released (or fails once on request).</summary>
    private sealed class FakePartition : IAuditPartitionGrain
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<ImmutableArray<AuditRecord>> AppendsQueue { get; } = new();

        public List<ImmutableArray<AuditRecord>> Appends => [.. AppendsQueue];

        public bool FailNext { get; set; }

        public void Release() => _released.TrySetResult();

        public async Task<long> AppendAsync(ImmutableArray<AuditRecord> records)
        {
            AppendsQueue.Enqueue(records);
            Started.TrySetResult();
            await _released.Task;
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("the store is away");
            }

            return AppendsQueue.Count;
        }

        public Task<AuditVerification> VerifyAsync(DateTimeOffset? from = null, DateTimeOffset? until = null) => throw new NotSupportedException();

        public Task<AuditPage> QueryAsync(AuditQuery query, long afterSequence, int limit) => throw new NotSupportedException();
    }
}
