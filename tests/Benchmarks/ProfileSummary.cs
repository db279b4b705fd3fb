using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Diagnostics.Symbols;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Stacks;

namespace Custodian.Benchmarks;

/// <summary>
/// Where a process's CPU went, from an EventPipe trace of <c>dotnet-trace collect --profile dotnet-sampled-thread-time</c>:
/// the thread-time stacks of every sample, of which only those running (managed code, or native code not called from a
/// wait) count; each such sample goes to the innermost of <see cref="Categories"/> on its stack, and to every frame on
/// it for the inclusive top frames.
/// </summary>
internal static partial class ProfileSummary
{
    /// <summary>What the cached read path spends time on, innermost first: the first that matches a frame of a sample takes it.</summary>
    private static readonly (string Name, Regex Frame)[] Categories =
    [
        ("GC", new(@"!System\.GC\.|gc_heap|GCHeap|WKS::|SVR::")),
        ("logging", new(@"Microsoft\.Extensions\.Logging|LoggerMessage|Console\.Write")),
        ("TLS", new(@"System\.Net\.Security|SslStream|Interop\+(Ssl|Crypto)")),
        ("JWT validation", new(@"Microsoft\.IdentityModel|JwtBearer|System\.IdentityModel")),
        ("audit", new(@"Custodian\.Audit\.|Custodian\.Gateway\.Audit\.|ActivityMonitor|TableAuditStore|AuditPartition|AuditSegment|AuditSubjectIndex")),
        ("access decision", new(@"AccessDecider|GrantCache|AccessDecision|Custodian\.Access\.|Throttling|SourceAddress")),
        ("routing and fences", new(@"RegionRouter|RoutingInterceptor|TenantCallFence|RegionFence|GatewayCall")),
        ("Orleans serialization", new(@"Orleans\.Serialization")),
        ("Orleans messaging", new(@"Orleans\.")),
        ("protobuf", new(@"Google\.Protobuf|Grpc\.AspNetCore\.Server\.Internal\.PipeExtensions|Marshaller")),
        ("request validation", new(@"Custodian\.Gateway\.Validation")),
        ("Custodian, other", new(@"Custodian\.")),
        ("gRPC and Kestrel HTTP/2", new(@"Grpc\.|Kestrel|Microsoft\.AspNetCore|System\.Net\.Http")),
        ("sockets", new(@"System\.Net\.Sockets|Interop\+Sys\.(Send|Receive|Read|Write)")),
        ("thread pool and tasks", new(@"System\.Threading")),
    ];

    /// <summary>The frames a sample is waiting in, when it is in native code: such a sample is idle, not CPU.</summary>
    [GeneratedRegex(@"Wait|Sleep|EventLoop|LowLevelLifoSemaphore|Monitor\.Enter|PollGC|ReadToEnd|RunFinalizers|Interop\+Sys\.Read\(|Thread\.Join|TimerQueue|CounterGroup|Heartbeat|WorkerThreadStart|GateThreadStart")]
    private static partial Regex Waiting();

    /// <summary>
    /// Summarises <paramref name="nettrace"/> as Markdown: CPU ms sampled, the share of each category, the top exclusive and
    /// inclusive frames, and with <paramref name="callersOf"/> the call chains that frame is on.
    /// </summary>
    public static string Summarise(string nettrace, string title, int calls, int topFrames = 25, string? callersOf = null)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(nettrace, null, new TraceLogOptions { ContinueOnError = true });
        using var symbols = new SymbolReader(TextWriter.Null);
        using var log = new TraceLog(etlx);
        var stacks = new MutableTraceEventStackSource(log) { OnlyManagedCodeStacks = true };
        new SampleProfilerThreadTimeComputer(log, symbols).GenerateThreadTimeStacks(stacks);

        var categories = new Dictionary<string, double>(StringComparer.Ordinal);
        var inclusive = new Dictionary<string, double>(StringComparer.Ordinal);
        var exclusive = new Dictionary<string, double>(StringComparer.Ordinal);
        var chains = new Dictionary<string, double>(StringComparer.Ordinal);
        var busy = 0.0;
        stacks.ForEach(sample =>
        {
            var frames = new List<string>();
            for (var index = sample.StackIndex; index != StackSourceCallStackIndex.Invalid; index = stacks.GetCallerIndex(index))
            {
                frames.Add(stacks.GetFrameName(stacks.GetFrameIndex(index), false));
            }

            // The leaf is CPU_TIME (running managed code) or UNMANAGED_CODE_TIME (in native code: running, or waiting).
            // Native frames without symbols show as "?!?": the first named frame says whether the thread waits (a thread
            // blocked in a wait may be sampled as running managed code too).
            var caller = frames.Skip(1).FirstOrDefault(f => !IsUnnamed(f)) ?? "";
            if (frames[0] is not ("CPU_TIME" or "UNMANAGED_CODE_TIME") || Waiting().IsMatch(caller))
            {
                return;
            }

            busy += sample.Metric;
            if (callersOf is not null && frames.FindIndex(f => f.Contains(callersOf, StringComparison.Ordinal)) is >= 0 and var at)
            {
                var chain = string.Join(" < ", frames.Skip(at).Where(IsFrame).Where(IsOurs).Take(8).Select(Shorten));
                chains[chain] = chains.GetValueOrDefault(chain) + sample.Metric;
            }

            var leaf = frames[0] == "CPU_TIME" ? caller : $"{caller} (native)";
            exclusive[leaf] = exclusive.GetValueOrDefault(leaf) + sample.Metric;
            var category = frames.Skip(1).Select(f => Categories.FirstOrDefault(c => c.Frame.IsMatch(f)).Name).FirstOrDefault(n => n is not null) ?? "runtime, other";
            categories[category] = categories.GetValueOrDefault(category) + sample.Metric;
            foreach (var frame in frames.Skip(1).Where(IsFrame).Distinct())
            {
                inclusive[frame] = inclusive.GetValueOrDefault(frame) + sample.Metric;
            }
        });

        var md = new StringBuilder();
        md.AppendLine($"### {title}: {busy:F0} ms of CPU sampled over {calls:N0} calls, {1000 * busy / Math.Max(1, calls):F0} µs per call");
        md.AppendLine();
        md.AppendLine("| where (innermost match on the stack) | share of CPU | µs per call |");
        md.AppendLine("|---|---|---|");
        foreach (var (name, ms) in categories.OrderByDescending(c => c.Value))
        {
            md.AppendLine($"| {name} | {100 * ms / busy:F1} % | {1000 * ms / Math.Max(1, calls):F0} |");
        }

        md.AppendLine();
        md.AppendLine("| top frames, exclusive (the innermost named frame; native: in code it called) | share of CPU |");
        md.AppendLine("|---|---|");
        foreach (var (frame, ms) in exclusive.OrderByDescending(f => f.Value).Take(topFrames))
        {
            md.AppendLine($"| `{Shorten(frame)}` | {100 * ms / busy:F1} % |");
        }

        md.AppendLine();
        md.AppendLine("| top frames, inclusive | share of CPU |");
        md.AppendLine("|---|---|");
        foreach (var (frame, ms) in inclusive.Where(f => IsOurs(f.Key)).OrderByDescending(f => f.Value).Take(topFrames))
        {
            md.AppendLine($"| `{Shorten(frame)}` | {100 * ms / busy:F1} % |");
        }

        foreach (var (chain, ms) in chains.OrderByDescending(c => c.Value).Take(10))
        {
            md.AppendLine($"- {100 * ms / busy:F1} %: {chain}");
        }

        return md.ToString();
    }

    /// <summary>Whether a name is a frame rather than the stack source's grouping (process, thread, activity) or an unnamed native frame.</summary>
    private static bool IsFrame(string name) =>
        !IsUnnamed(name) && name is not ("Threads" or "(Non-Activities)") && !name.StartsWith("Thread (", StringComparison.Ordinal) && !name.StartsWith("Process", StringComparison.Ordinal);

    private static bool IsUnnamed(string name) => name is "?" or "?!?";

    /// <summary>Frames worth listing: not the thread pool's and the runtime's plumbing, which every sample has.</summary>
    private static bool IsOurs(string frame) =>
        !Regex.IsMatch(frame, @"System\.Threading\.|ExecutionContext|AsyncMethodBuilder|AsyncTaskMethodBuilder|AsyncStateMachineBox|ThreadPool|StartCallback|System\.Runtime\.CompilerServices");

    private static string Shorten(string frame)
    {
        var name = frame[(frame.IndexOf('!') + 1)..];
        var parameters = name.IndexOf('(');
        return parameters > 0 ? name[..parameters] : name;
    }
}
