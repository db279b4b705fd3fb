using System.Collections.Concurrent;
using System.Collections.Immutable;
using Custodian.Audit;
using Custodian.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;

namespace Custodian.Tests.Audit;

/// <summary>The trail's group commit, over partitions faked in memory.</summary>
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

    [Fact]
    public async Task WritesForAPartitionThatRefusesItsStoredHeadAreStoredInAnotherAndItIsNotAskedAgainAtOnce()
    {
        // Arrange: two partitions; the actor's own refuses its stored head (a tampered partition), the other stores
        var partitions = new[] { new FakePartition(), new FakePartition() };
        var refusing = AuditPartitions.Of("actor", 2);
        partitions[refusing].Refuses = true;
        foreach (var partition in partitions)
        {
            partition.Release();
        }

        var writer = new AuditWriter(n => partitions[n], 2, Meters);

        // Act
        await writer.WriteAsync(Record("actor", 0));
        await writer.WriteAsync(Record("actor", 1));

        // Assert: both stored, in order, in the other partition; the refusing one was asked once, and stored nothing
        Assert.Equal(["target-0", "target-1"], partitions[1 - refusing].Appends.SelectMany(a => a).Select(r => r.Target));
        Assert.Single(partitions[refusing].Appends);
        Assert.Equal(0, partitions[refusing].Stored);
    }

    [Fact]
    public async Task WhenEveryPartitionRefusesItsStoredHeadAWriteFailsForThatReason()
    {
        var partitions = new[] { new FakePartition { Refuses = true }, new FakePartition { Refuses = true } };
        foreach (var partition in partitions)
        {
            partition.Release();
        }

        var writer = new AuditWriter(n => partitions[n], 2, Meters);

        await Assert.ThrowsAsync<Custodian.Storage.StoredStateIntegrityException>(() => writer.WriteAsync(Record("actor", 0)));
        await Assert.ThrowsAsync<Custodian.Storage.StoredStateIntegrityException>(() => writer.WriteAsync(Record("actor", 1)));
        Assert.Equal(0, partitions.Sum(p => p.Stored));
    }

    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(99, new[] { 99 })]
    [InlineData(100, new[] { 99, 1 })]
    [InlineData(250, new[] { 99, 99, 52 })]
    public async Task AWriteOfAnySizeGoesInOrderInAppendsOfAtMostAFullBatch(int count, int[] appends)
    {
        var partition = new FakePartition();
        partition.Release();
        var writer = new AuditWriter(_ => partition, 1, Meters);
        var records = Enumerable.Range(0, count).Select(i => Record("a", i)).ToImmutableArray();

        await writer.WriteAsync(records);

        Assert.Equal(appends, partition.Appends.Select(a => a.Length));
        Assert.Equal(records, partition.Appends.SelectMany(a => a));
    }

    [Fact]
    public async Task AFailedAppendOfALargeWriteStopsItsRestAndKeepsTheAppendsBefore()
    {
        var partition = new FakePartition { FailAt = 2 };
        partition.Release();
        var writer = new AuditWriter(_ => partition, 1, Meters);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync([.. Enumerable.Range(0, 250).Select(i => Record("a", i))]));

        Assert.Equal("the store is away", error.Message);
        Assert.Equal([99, 99], partition.Appends.Select(a => a.Length));
        Assert.Equal(99, partition.Stored);
    }

    [Fact]
    public async Task WritesOfSeveralRecordsStayWholeAndInOrderWhenTheyBatchWithOthers()
    {
        // Arrange: one partition whose first append is held open while writers of 1 to 7 records queue behind it
        var partition = new FakePartition();
        var writer = new AuditWriter(_ => partition, 1, Meters);
        var first = writer.WriteAsync(Record("a", -1));
        await partition.Started.Task;

        // Act
        var writes = Enumerable.Range(0, 40).Select(w => (Writer: w, Records: Enumerable.Range(0, 1 + (w % 7)).Select(i => Record($"w{w}", i)).ToImmutableArray())).ToList();
        var stored = writes.Select(w => writer.WriteAsync(w.Records)).ToList();
        partition.Release();
        await Task.WhenAll([first, .. stored]);

        // Assert: no append splits a write or exceeds a batch, and each write's records are contiguous, in order
        var appends = partition.Appends.Skip(1).ToList();
        Assert.All(appends, a => Assert.InRange(a.Length, 1, AuditPartitionLimits.MaxBatch));
        Assert.True(appends.Count < writes.Count, $"{appends.Count} appends for {writes.Count} writes: nothing was batched");
        foreach (var append in appends)
        {
            foreach (var actor in append.Select(r => r.Actor).Distinct())
            {
                var at = append.Select((r, i) => (r.Actor, i)).Where(x => x.Actor == actor).Select(x => x.i).ToList();
                Assert.Equal(at.Count, at[^1] - at[0] + 1);
                Assert.Equal(writes.Single(w => "w" + w.Writer == actor).Records, append.Where(r => r.Actor == actor));
            }
        }

        Assert.Equal(writes.Sum(w => w.Records.Length), appends.Sum(a => a.Length));
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

        /// <summary>Every append fails as one whose stored head was refused (forged, rolled back, missing).</summary>
        public bool Refuses { get; set; }

        /// <summary>The append (1, 2, …) that fails; 0 for none.</summary>
        public int FailAt { get; init; }

        /// <summary>Records of the appends that succeeded.</summary>
        public int Stored => _stored;

        private int _stored;

        public void Release() => _released.TrySetResult();

        public async Task<long> AppendAsync(ImmutableArray<AuditRecord> records)
        {
            AppendsQueue.Enqueue(records);
            Started.TrySetResult();
            await _released.Task;
            if (Refuses)
            {
                throw new Custodian.Storage.StoredStateIntegrityException("Audit partition test/0: its head fails its MAC");
            }

            if (FailNext || AppendsQueue.Count == FailAt)
            {
                FailNext = false;
                throw new InvalidOperationException("the store is away");
            }

            Interlocked.Add(ref _stored, records.Length);

            return AppendsQueue.Count;
        }

        public Task<AuditVerification> VerifyAsync(DateTimeOffset? from = null, DateTimeOffset? until = null) => throw new NotSupportedException();

        public Task<AuditPage> QueryAsync(AuditQuery query, long afterSequence, int limit) => throw new NotSupportedException();

        public Task<AuditCheckpoint?> CheckpointAsync() => throw new NotSupportedException();
    }
}
