using System.Text;

namespace Custodian.Benchmarks;

/// <summary>
/// What the memory benchmark measured: the silo process's memory at each count of activated DataSubject grains, the
/// activations' latencies that led there, a cached call's latencies for comparison, the GC heap bytes that one grain's
/// state alone holds (<paramref name="StateBytes"/>, states read as the grains read them and kept in an array, its
/// 8 B per reference included), and the load average at the end.
/// </summary>
internal sealed record MemoryReport(IReadOnlyList<MemoryReport.Point> Points, Measure.Result CachedCall, double StateBytes, string LoadAtEnd)
{
    /// <summary>The goal: this many activated subjects ...</summary>
    public const int TargetGrains = 100_000;

    /// <summary>... in at most this much working set of the silo's process.</summary>
    public const long TargetWorkingSetBytes = 1L << 30;

    private const double MiB = 1024 * 1024;

    /// <summary>
    /// The process's memory with <paramref name="Grains"/> measured grains activated (the warm-up's not counted), after a
    /// full blocking compacting GC: working set, live managed bytes (<see cref="GC.GetTotalMemory"/>) and the GC heap's
    /// size (<see cref="GCMemoryInfo.HeapSizeBytes"/>, fragmentation included) and the memory the GC has committed
    /// (<see cref="GCMemoryInfo.TotalCommittedBytes"/>, free space it keeps included); <paramref name="ActiveSubjects"/> is the
    /// silo's own count of DataSubject activations (warm-up included); <paramref name="Activation"/> the latencies of
    /// the calls that activated the grains since the previous point (none for the first).
    /// </summary>
    public sealed record Point(int Grains, int ActiveSubjects, long WorkingSetBytes, long GcHeapBytes, long HeapSizeBytes, long CommittedBytes, Measure.Result? Activation);

    /// <summary>Working-set and GC-heap bytes per grain between <paramref name="point"/> and the point before it.</summary>
    public (double WorkingSet, double GcHeap) BytesPerGrain(int point)
    {
        var (from, to) = (Points[point - 1], Points[point]);
        double grains = to.Grains - from.Grains;
        return ((to.WorkingSetBytes - from.WorkingSetBytes) / grains, (to.GcHeapBytes - from.GcHeapBytes) / grains);
    }

    /// <summary>The table (markdown), the cached call, and whether the goal is met, where it was measured.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| grains | DataSubject activations | working set MiB | GC heap MiB | GC heap size MiB | GC committed MiB | B/grain working set | B/grain GC heap | activation p50 ms | p99 ms | p99.9 ms | activations/s |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (var i = 0; i < Points.Count; i++)
        {
            var p = Points[i];
            var (ws, heap) = i == 0 ? ("-", "-") : (BytesPerGrain(i).WorkingSet.ToString("N0"), BytesPerGrain(i).GcHeap.ToString("N0"));
            var a = p.Activation;
            text.AppendLine($"| {p.Grains:N0} | {p.ActiveSubjects:N0} | {p.WorkingSetBytes / MiB:F1} | {p.GcHeapBytes / MiB:F1} | {p.HeapSizeBytes / MiB:F1} | {p.CommittedBytes / MiB:F1} | {ws} | {heap} | "
                + (a is null ? "- | - | - | - |" : $"{a.P50:F3} | {a.P99:F3} | {a.P999:F3} | {a.Throughput:N0} |"));
        }

        text.AppendLine();
        text.AppendLine("B/grain: the increase since the row above, divided by the grains added. Activation: each call that activated a grain");
        text.AppendLine("since the row above, timed alone.");
        text.AppendLine($"Cached call (GetRecordAsync on an active grain, {Points[^1].Grains:N0} active): p50 {CachedCall.P50:F3} ms, p99 {CachedCall.P99:F3} ms, "
            + $"p99.9 {CachedCall.P999:F3} ms, {CachedCall.Throughput:N0} calls/s");
        var last = BytesPerGrain(Points.Count - 1).GcHeap;
        text.AppendLine($"Of the last row's {last:N0} B/grain of GC heap, the state alone (as many states read and kept in an array) holds {StateBytes:N0} B, "
            + $"the rest ({last - StateBytes:N0} B) is the activation in the silo");
        text.AppendLine(Points.FirstOrDefault(p => p.Grains == TargetGrains) is { } target
            ? $"Target: {TargetGrains:N0} activated subjects in <= {TargetWorkingSetBytes / MiB / 1024:F0} GiB silo working set: "
                + (target.WorkingSetBytes <= TargetWorkingSetBytes
                    ? $"met, {(TargetWorkingSetBytes - target.WorkingSetBytes) / MiB:F0} MiB under it ({target.WorkingSetBytes / MiB:F0} MiB)"
                    : $"missed by {(target.WorkingSetBytes - TargetWorkingSetBytes) / MiB:F0} MiB ({target.WorkingSetBytes / MiB:F0} MiB)")
            : $"Target: {TargetGrains:N0} activated subjects in <= 1 GiB silo working set: not measured in this run");
        text.AppendLine($"load average at the end {LoadAtEnd}");
        return text.ToString();
    }
}
