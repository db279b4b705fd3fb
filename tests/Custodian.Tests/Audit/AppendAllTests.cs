using System.Collections.Immutable;
using Custodian.Audit;

namespace Custodian.Tests.Audit;

/// <summary><see cref="AuditPartitionGrainExtensions.AppendAllAsync"/>: any number of records, in batches a partition takes, in order.</summary>
public sealed class AppendAllTests
{
    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(99, new[] { 99 })]
    [InlineData(100, new[] { 99, 1 })]
    [InlineData(250, new[] { 99, 99, 52 })]
    public async Task RecordsGoInOrderInBatchesOfAtMostMaxBatch(int count, int[] batches)
    {
        var partition = new RecordingPartition();
        var records = Enumerable.Range(0, count).Select(Record).ToImmutableArray();

        var last = await partition.AppendAllAsync(records);

        Assert.Equal(batches, partition.Batches.Select(b => b.Length));
        Assert.Equal(records, partition.Batches.SelectMany(b => b));
        Assert.Equal(count, last);
    }

    [Fact]
    public async Task AFailedBatchStopsTheRestAndKeepsTheOnesBefore()
    {
        var partition = new RecordingPartition { FailAt = 2 };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => partition.AppendAllAsync([.. Enumerable.Range(0, 250).Select(Record)]));

        Assert.Equal("store down", error.Message);
        Assert.Equal([99], partition.Batches.Select(b => b.Length));
    }

    private static AuditRecord Record(int n) => new(DateTimeOffset.UnixEpoch.AddSeconds(n), "test", "Test:Append", $"target:{n}", "done", "-", "");

    private sealed class RecordingPartition : IAuditPartitionGrain
    {
        public List<ImmutableArray<AuditRecord>> Batches { get; } = [];

        public int FailAt { get; init; }

        public Task<long> AppendAsync(ImmutableArray<AuditRecord> records)
        {
            if (records.Length > AuditPartitionLimits.MaxBatch)
            {
                throw new ArgumentException("more than a batch", nameof(records));
            }

            if (Batches.Count + 1 == FailAt)
            {
                throw new InvalidOperationException("store down");
            }

            Batches.Add(records);
            return Task.FromResult((long)Batches.Sum(b => b.Length));
        }

        public Task<AuditVerification> VerifyAsync(DateTimeOffset? from = null, DateTimeOffset? until = null) => throw new NotSupportedException();

        public Task<AuditPage> QueryAsync(AuditQuery query, long afterSequence, int limit) => throw new NotSupportedException();
    }
}
