using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Custodian.Benchmarks.Protos;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Hosting;
using Custodian.Silo.Regions;
using Custodian.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;
using HdrHistogram;
using Microsoft.Extensions.DependencyInjection;
using Cell = Custodian.Benchmarks.ComparisonTable.Cell;
using EchoClient = Custodian.Benchmarks.Protos.Echo.EchoClient;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Benchmarks;

/// <summary>
/// What forwarding to another region costs a gateway's calls, in one run: one eu-west gateway (real TLS, real JWTs)
/// with a client of each region's cluster serves the same <c>Subjects.GetRecord</c> (a read of a record the grain
/// holds) and <c>Subjects.PutRecord</c> calls for a tenant written in eu-west (its own cluster) and for a tenant written
/// in eu-north (forwarded to eu-north's cluster); beside them a bare TLS gRPC echo, one extra hop. Every round:
/// throughput of each variant alone (closed loops at 1 and 16 callers, back to back, order flipped every round), and
/// latencies with the variants taking turns call by call (the same callers, then a fixed rate), with a twin of local
/// and of forwarded whose difference from the original is the measurement's own noise. The goal: a forwarded call's
/// p50 ≤ the local call's p50 + 2 × the echo's p50.
/// </summary>
internal static class ForwardBenchmark
{
    private const string GatewayRegion = "eu-west";
    private const string OtherRegion = "eu-north";
    private const string LocalTenant = "fwd-local";
    private const string ForwardedTenant = "fwd-forwarded";
    private const int Subjects = 100;
    private const int Rounds = 5;
    private const double FixedRateShare = 0.2;
    private const double FixedRateSeconds = 3;
    private const double GoalHops = 2;

    private static readonly int[] Callers = [1, 16];
    private static readonly Call[] Calls =
    [
        new("read", "Subjects.GetRecord", Alone: [300, 2_000], TakingTurns: [200, 1_000]),
        new("write", "Subjects.PutRecord", Alone: [150, 800], TakingTurns: [100, 400]),
    ];

    public static async Task RunAsync(bool inMemoryAzurite)
    {
        var total = Stopwatch.StartNew();
        var loadAtStart = BenchMachine.LoadAverage();
        await using var cluster = await BenchCluster.StartAsync(
            [GatewayRegion, OtherRegion],
            inMemoryAzurite,
            settings: [.. ProductTimings(), .. TestPlacement.EuTenant(LocalTenant, GatewayRegion), .. TestPlacement.EuTenant(ForwardedTenant, OtherRegion)]);
        var channel = await cluster.StartGatewayAsync(region: GatewayRegion);
        var echoChannel = await cluster.StartEchoAsync();

        var local = Variant.OfTenant("local", new SubjectsClient(channel("bench-app", LocalTenant, "app")), LocalTenant);
        var forwarded = Variant.OfTenant("forwarded", new SubjectsClient(channel("bench-app", ForwardedTenant, "app")), ForwardedTenant);

        // The same calls as local's and forwarded's through channels of their own: each against itself shows what the
        // measurement alone makes of two identical variants; and with both, each region's silo serves half the turns.
        var localAgain = Variant.OfTenant("local again", new SubjectsClient(channel("bench-app", LocalTenant, "app")), LocalTenant);
        var forwardedAgain = Variant.OfTenant("forwarded again", new SubjectsClient(channel("bench-app", ForwardedTenant, "app")), ForwardedTenant);

        // The eu-west gateway connects to eu-north's cluster in the background; until then the forwarded tenant is UNAVAILABLE.
        var connecting = Stopwatch.StartNew();
        await Poll.UntilAsync(async () =>
        {
            await forwarded.Write(0);
            return true;
        }, TimeSpan.FromSeconds(60), e => e is RpcException { StatusCode: StatusCode.Unavailable });
        var connected = connecting.Elapsed;
        foreach (var variant in new[] { local, forwarded })
        {
            await Measure.ClosedLoopAsync(variant.Write, Subjects, 16);
        }

        // Each tenant is written where it should be: a write of the forwarded tenant served in eu-west would be fenced.
        await CheckPlacementAsync(cluster);

        // The echo carries as many bytes each way as a write's request.
        var payload = Variant.Put(ForwardedTenant, 0).CalculateSize();
        var echo = Variant.Bare(new EchoClient(echoChannel), ByteString.CopyFrom(RandomNumberGenerator.GetBytes(payload)));
        Variant[] alone = [local, forwarded, echo];
        Variant[] takingTurns = [local, forwarded, localAgain, forwardedAgain, echo];

        // Warm-up (not reported): every subject's grain active in its region, the JIT through every path.
        foreach (var variant in takingTurns)
        {
            await Measure.ClosedLoopAsync(variant.Read, 1_000, 16);
            await Measure.ClosedLoopAsync(variant.Write, 300, 16);
        }

        // The fixed rate, the same for every variant of a call: the gateway's four together at a share of the lower of local's and forwarded's throughput alone with the most callers, measured once here.
        var peaks = new Dictionary<Call, (double Local, double Forwarded)>();
        foreach (var call in Calls)
        {
            var peakOf = (Variant v) => Measure.ClosedLoopAsync(v.Op(call), call.Alone[^1], Callers[^1]);
            peaks[call] = ((await peakOf(local)).Throughput, (await peakOf(forwarded)).Throughput);
        }

        var throughGateway = takingTurns.Count(v => v != echo);
        var rates = Calls.ToDictionary(c => c, c => FixedRateShare / throughGateway * Math.Min(peaks[c].Local, peaks[c].Forwarded));

        var backlogBefore = Backlog(cluster);
        PrintMetadata(loadAtStart, connected, payload, peaks, inMemoryAzurite);

        // Every round measures everything, so that a busy spell of the machine costs one round of each, not every round of one.
        var results = new Results();
        var roundLoads = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var call in Calls)
            {
                for (var c = 0; c < Callers.Length; c++)
                {
                    foreach (var variant in InRoundOrder(round, alone))
                    {
                        results.Closed(call, Alone(c), variant).Add(await Measure.ClosedLoopAsync(variant.Op(call), call.Alone[c], Callers[c]));
                    }

                    var order = InRoundOrder(round, takingTurns).ToList();
                    var turns = await Measure.InterleavedClosedLoopAsync([.. order.Select(v => v.Op(call))], call.TakingTurns[c], Callers[c]);
                    for (var v = 0; v < order.Count; v++)
                    {
                        results.Closed(call, TakingTurns(c), order[v]).Add(turns[v]);
                    }
                }

                var fixedOrder = InRoundOrder(round, takingTurns).ToList();
                var fixedTurns = await Measure.InterleavedFixedRateAsync([.. fixedOrder.Select(v => v.Op(call))], rates[call], (int)(rates[call] * FixedRateSeconds));
                for (var v = 0; v < fixedOrder.Count; v++)
                {
                    results.Fixed(call, fixedOrder[v]).Add(fixedTurns[v]);
                }
            }

            roundLoads.Add(BenchMachine.LoadAverage().Split(' ')[0]);
        }

        // The figures hold only if nothing moved meanwhile: no tenant changed writer, and no write went to a backlog
        // because its pair region did not answer in time (a starved machine can do that).
        await CheckPlacementAsync(cluster);
        var backlog = Backlog(cluster);

        PrintTable(results, rates, local, forwarded, echo);
        PrintGoal(results, rates, (local, localAgain), (forwarded, forwardedAgain), echo);
        PrintNoise(results, rates, [local, forwarded], loadAtStart, roundLoads);
        Console.WriteLine(
            $"placement unchanged ({LocalTenant} written in {GatewayRegion}, {ForwardedTenant} in {OtherRegion}); replication backlog during the measurements: " +
            string.Join(", ", backlog.Select(b => $"{b.Key} {b.Value.Drained - backlogBefore[b.Key].Drained} drained, {b.Value.Items} pending")) +
            " (0 and 0: every write reached its pair region at once)");
        Console.WriteLine($"total run time {total.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>
    /// The product's default lease, renewal, probe and pair timeouts instead of the test placement's quick ones: on a
    /// shared machine a renewal starved for 10 s would otherwise cost a region its lease (and its calls) mid-run.
    /// </summary>
    internal static IEnumerable<KeyValuePair<string, string?>> ProductTimings()
    {
        var defaults = new PlacementOptions();
        return new Dictionary<string, TimeSpan>
        {
            [nameof(PlacementOptions.LeaseDuration)] = defaults.LeaseDuration,
            [nameof(PlacementOptions.RenewInterval)] = defaults.RenewInterval,
            [nameof(PlacementOptions.ClockSkewMargin)] = defaults.ClockSkewMargin,
            [nameof(PlacementOptions.PairTimeout)] = defaults.PairTimeout,
            [nameof(PlacementOptions.ProbeInterval)] = defaults.ProbeInterval,
        }.Select(t => new KeyValuePair<string, string?>($"{PlacementOptions.Section}:{t.Key}", t.Value.ToString("c", CultureInfo.InvariantCulture)));
    }

    /// <summary>Throws unless each region's silo names the expected writer of its tenant.</summary>
    private static async Task CheckPlacementAsync(BenchCluster cluster)
    {
        var localWriter = (await cluster.Silo(GatewayRegion).GetRequiredService<RegionFence>().TenantAsync(LocalTenant)).Writer;
        var forwardedWriter = (await cluster.Silo(OtherRegion).GetRequiredService<RegionFence>().TenantAsync(ForwardedTenant)).Writer;
        if (localWriter != GatewayRegion || forwardedWriter != OtherRegion)
        {
            throw new InvalidOperationException($"Placement is not as the benchmark needs it: {LocalTenant} written in {localWriter}, {ForwardedTenant} in {forwardedWriter}.");
        }
    }

    /// <summary>Each region's replication backlog: items pending, and drained so far.</summary>
    private static Dictionary<string, BacklogStatus> Backlog(BenchCluster cluster) =>
        new[] { GatewayRegion, OtherRegion }.ToDictionary(r => r, r => cluster.Silo(r).GetRequiredService<PairReplica>().Status);

    private static void PrintMetadata(string loadAtStart, TimeSpan connected, int payload, Dictionary<Call, (double Local, double Forwarded)> peaks, bool inMemoryAzurite)
    {
        var orleans = typeof(Grain).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split(' ', '+')[0].TrimEnd('.');
        Console.WriteLine();
        Console.WriteLine("Custodian forwarding benchmark: the same calls through one gateway, served by its own region vs forwarded to the other, one run");
        Console.WriteLine($"  machine   {Environment.ProcessorCount} cores ({BenchMachine.CpuModel()}), {RuntimeInformation.OSDescription}, load average at start {loadAtStart}, now {BenchMachine.LoadAverage()}");
        Console.WriteLine($"  runtime   {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, Orleans {orleans}; silos, gateway, echo server and callers in this process");
        Console.WriteLine($"  Azurite   {BenchMachine.AzuriteVersion()} on node {BenchMachine.NodeVersion()}, three instances ({(inMemoryAzurite ? "in memory" : "on disk")}): {GatewayRegion}'s account, {OtherRegion}'s, the witness");
        Console.WriteLine($"  regions   {GatewayRegion} and {OtherRegion}, a cluster each (one silo; writes replicated to the other region's account); one gateway, in {GatewayRegion},");
        Console.WriteLine($"            with an Orleans client of each cluster ({OtherRegion}'s connected {connected.TotalSeconds:F1} s after the gateway started); the product's lease timings");
        Console.WriteLine($"  variants  local = tenant {LocalTenant}, written in {GatewayRegion}; forwarded = tenant {ForwardedTenant}, written in {OtherRegion}; local again,");
        Console.WriteLine($"            forwarded again = the same calls on channels of their own; each through the gateway over TLS with the app's JWT (minted per call), {Subjects} subjects per tenant;");
        Console.WriteLine($"            read = {Calls[0].Name} of a stored record (the grain holds it), write = {Calls[1].Name} of a record; echo = a bare gRPC call to Kestrel");
        Console.WriteLine($"            in this process (HTTP/2 over TLS, the gateway's certificate and client handler, no JWT, no interceptors), {payload} B each way");
        Console.WriteLine($"  alone     closed loop per variant (local, forwarded, echo back to back, order flipped each round), {string.Join(" and ", Callers.Select(c => $"{c} caller(s)"))}:");
        Console.WriteLine($"            {string.Join("; ", Calls.Select(c => $"{c.Label} {string.Join(" and ", c.Alone.Select(n => $"{n:N0}"))} calls"))} per variant per round");
        Console.WriteLine("  turns     closed loop with the variants taking turns call by call (local, forwarded, local again,");
        Console.WriteLine("            forwarded again, echo; order flipped each round), the same callers:");
        Console.WriteLine($"            {string.Join("; ", Calls.Select(c => $"{c.Label} {string.Join(" and ", c.TakingTurns.Select(n => $"{n:N0}"))} calls"))} per variant per round");
        Console.WriteLine("  fixed     the variants taking turns in an open loop at one rate each, the gateway's four together at");
        Console.WriteLine($"            {100 * FixedRateShare:F0}% of the lower of local's and forwarded's throughput alone with {Callers[^1]} callers after the warm-up");
        Console.WriteLine($"            ({string.Join("; ", Calls.Select(c => $"{c.Label} {peaks[c].Local:F0}/s and {peaks[c].Forwarded:F0}/s"))}), {FixedRateSeconds:F0} s per round");
        Console.WriteLine("            (HdrHistogram; each call's latency from when it was due)");
        Console.WriteLine($"  rounds    {Rounds}, each with every measurement above: per call, alone and turns with 1 caller, then 16, then the fixed rate");
    }

    private static void PrintTable(Results results, Dictionary<Call, double> rates, Variant local, Variant forwarded, Variant echo)
    {
        Console.WriteLine();
        Console.WriteLine("Throughput (each variant alone) and latency (the variants taking turns): median round (min-max of rounds); fixed-rate latencies all rounds");
        Console.WriteLine("pooled (min-max of rounds); forwarded/local is the median of the per-round ratios (min-max)");
        Console.WriteLine(Line("call, load", "metric", "local", "forwarded", "forwarded/local", "echo"));
        foreach (var call in Calls)
        {
            for (var c = 0; c < Callers.Length; c++)
            {
                var (alone, turns) = (Alone(c), TakingTurns(c));
                Row($"{call.Label}, {CallersLabel(c)}", "ops/s", v => Closed(results, call, alone, v, r => r.Throughput), "F0");
                Row("", "p50 ms", v => Closed(results, call, turns, v, r => r.P50), "F2");
                Row("", "p99 ms", v => Closed(results, call, turns, v, r => r.P99), "F2");
            }

            Row($"{call.Label}, {rates[call]:F0}/s each", "p50 ms", v => Fixed(results, call, v, 50), "F2");
            Row("", "p99 ms", v => Fixed(results, call, v, 99), "F2");
        }

        Console.WriteLine($"  read = {Calls[0].Name}, write = {Calls[1].Name}. Throughput below 1, or latency above 1, is forwarding being slower; a range that spans 1 is noise.");

        void Row(string title, string metric, Func<Variant, Cell> cell, string format)
        {
            var (l, f, e) = (cell(local), cell(forwarded), cell(echo));
            var (ratio, ratios) = ComparisonTable.Ratio(f.Rounds, l.Rounds);
            Console.WriteLine(Line(title, metric, Show(l, format), Show(f, format), $"{Format(ratio, "F3")} ({ComparisonTable.Spread(ratios, "F2")})", Show(e, format)));
        }
    }

    /// <summary>
    /// The goal, per call and load, from the latencies of the variants taking turns: what forwarding adds to the p50
    /// against 2 × the echo's p50 with one caller (a hop's own latency, measured in the same turns); beside it, what
    /// each variant's twin adds to its p50 (the measurement's own noise) and 2 × the echo's p50 at the same load.
    /// </summary>
    private static void PrintGoal(Results results, Dictionary<Call, double> rates, (Variant Once, Variant Again) local, (Variant Once, Variant Again) forwarded, Variant echo)
    {
        Console.WriteLine();
        Console.WriteLine($"Goal: forwarded p50 <= local p50 + {GoalHops:F0} x echo p50, from the turns above. added = forwarded p50 - local p50, the median of the per-round");
        Console.WriteLine($"differences (min-max); hop = the echo's p50 with 1 caller in the same call's turns (median round); 'rounds met' holds each round's added p50");
        Console.WriteLine($"against {GoalHops:F0} x that round's hop; 'again - once': the same difference between two identical variants, what noise alone makes of it");
        Console.WriteLine(Line("call, load", "", "added p50 ms", $"{GoalHops:F0} x hop p50 ms", "goal, rounds met", "local again - once", "fwd again - once", $"{GoalHops:F0} x echo same load"));
        foreach (var call in Calls)
        {
            var hop = Closed(results, call, TakingTurns(0), echo, r => r.P50);
            for (var c = 0; c < Callers.Length; c++)
            {
                Cell P50(Variant v) => Closed(results, call, TakingTurns(c), v, r => r.P50);
                Row($"{call.Label}, {CallersLabel(c)}", P50);
            }

            Row($"{call.Label}, {rates[call]:F0}/s each", v => Fixed(results, call, v, 50));

            void Row(string title, Func<Variant, Cell> p50)
            {
                var added = Difference(p50(forwarded.Once), p50(local.Once));
                var allowed = new Cell(GoalHops * hop.Value, [.. hop.Rounds.Select(h => GoalHops * h)]);
                var (localNoise, forwardedNoise) = (Difference(p50(local.Again), p50(local.Once)), Difference(p50(forwarded.Again), p50(forwarded.Once)));
                var met = added.Rounds.Zip(allowed.Rounds, (a, b) => a <= b).Count(m => m);
                var unresolved = localNoise.Rounds.Concat(forwardedNoise.Rounds).Max(Math.Abs) > allowed.Value;
                var verdict = $"{(added.Value <= allowed.Value ? "met" : "NOT met")}, {met}/{added.Rounds.Count}{(unresolved ? " *" : "")}";
                Console.WriteLine(Line(title, "", Show(added, "F2"), Show(allowed, "F2"), verdict, Show(localNoise, "F2"), Show(forwardedNoise, "F2"), Format(GoalHops * p50(echo).Value, "F2")));
            }
        }

        Console.WriteLine($"  * a variant's twin differed from it by more than {GoalHops:F0} x hop in a round: noise alone exceeds the margin there, so this run does not settle that row");

        // Each round's variants took turns, so each round's difference is free of the machine's drift between rounds.
        static Cell Difference(Cell a, Cell b)
        {
            IReadOnlyList<double> rounds = [.. a.Rounds.Zip(b.Rounds, (x, y) => x - y)];
            return new(ComparisonTable.Median(rounds), rounds);
        }
    }

    /// <summary>How much local's and forwarded's figures moved between rounds (slowest round / fastest), and what else ran on the machine.</summary>
    private static void PrintNoise(Results results, Dictionary<Call, double> rates, IReadOnlyList<Variant> variants, string loadAtStart, IReadOnlyList<string> roundLoads)
    {
        var spreads = new List<(string What, double Spread)>();
        foreach (var call in Calls)
        {
            foreach (var variant in variants)
            {
                for (var c = 0; c < Callers.Length; c++)
                {
                    var throughput = Closed(results, call, Alone(c), variant, r => r.Throughput).Rounds;
                    spreads.Add(($"{variant.Name} {call.Label} ops/s, {CallersLabel(c)}", throughput.Max() / throughput.Min()));
                    spreads.Add(($"{variant.Name} {call.Label} p50, {CallersLabel(c)}", Spread(Closed(results, call, TakingTurns(c), variant, r => r.P50))));
                }

                spreads.Add(($"{variant.Name} {call.Label} p50, {rates[call]:F0}/s", Spread(Fixed(results, call, variant, 50))));
            }
        }

        var ordered = spreads.OrderBy(s => s.Spread).ToList();
        Console.WriteLine();
        Console.WriteLine(
            $"Noise: local's and forwarded's throughput and p50, slowest round / fastest round: median {Format(ordered[ordered.Count / 2].Spread, "F2")}, " +
            $"least {Format(ordered[0].Spread, "F2")} ({ordered[0].What}), most {Format(ordered[^1].Spread, "F2")} ({ordered[^1].What})");
        Console.WriteLine(
            $"load average (1/5/15 min) at start {loadAtStart}, at the end {BenchMachine.LoadAverage()}; after each round (1 min) {string.Join(", ", roundLoads)}; " +
            $"above {Environment.ProcessorCount} means other processes shared the cores");

        static double Spread(Cell latency) => latency.Rounds.Max() / latency.Rounds.Min();
    }

    /// <summary>A closed-loop metric: the median of the rounds' values, and each round's.</summary>
    private static Cell Closed(Results results, Call call, string load, Variant variant, Func<Measure.Result, double> metric)
    {
        IReadOnlyList<double> rounds = [.. results.Closed(call, load, variant).Select(metric)];
        return new Cell(ComparisonTable.Median(rounds), rounds);
    }

    /// <summary>A fixed-rate percentile: all rounds pooled, and each round's.</summary>
    private static Cell Fixed(Results results, Call call, Variant variant, double percentile)
    {
        var rounds = results.Fixed(call, variant);
        return new Cell(Measure.Milliseconds(Measure.Pooled(rounds), percentile), [.. rounds.Select(h => Measure.Milliseconds(h, percentile))]);
    }

    private static string Alone(int callers) => $"alone {Callers[callers]}";

    private static string TakingTurns(int callers) => $"turns {Callers[callers]}";

    private static string CallersLabel(int callers) => $"{Callers[callers]} caller{(Callers[callers] == 1 ? "" : "s")}";

    private static IEnumerable<Variant> InRoundOrder(int round, IReadOnlyList<Variant> variants) =>
        round % 2 == 0 ? variants : variants.Reverse();

    private static string Show(Cell cell, string format) => $"{Format(cell.Value, format)} ({ComparisonTable.Spread(cell.Rounds, format)})";

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Line(string title, string metric, params string[] cells) =>
        $"{title,-20} {metric,-7}" + string.Concat(cells.Select(c => " " + c.PadLeft(22)));

    /// <summary>A measured call: its label, its gRPC method, and how many calls per variant per round alone and taking turns, per number of callers.</summary>
    private sealed record Call(string Label, string Name, int[] Alone, int[] TakingTurns);

    /// <summary>One variant's read and write, by call index.</summary>
    private sealed record Variant(string Name, Func<int, Task> Read, Func<int, Task> Write)
    {
        public Func<int, Task> Op(Call call) => call.Label == "read" ? Read : Write;

        /// <summary>The tenant's app reading and writing the record of subject <c>i % Subjects</c>.</summary>
        public static Variant OfTenant(string name, SubjectsClient client, string tenant) => new(
            name,
            i => client.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = Subject(i), Category = "contact" }).ResponseAsync,
            i => client.PutRecordAsync(Put(tenant, i)).ResponseAsync);

        /// <summary>The bare round trip, for reads and writes alike.</summary>
        public static Variant Bare(EchoClient client, ByteString payload)
        {
            Func<int, Task> reply = _ => client.ReplyAsync(new EchoMessage { Payload = payload }).ResponseAsync;
            return new("echo", reply, reply);
        }

        public static PutRecordRequest Put(string tenant, int i) => new()
        {
            TenantId = tenant,
            SubjectId = Subject(i),
            Record = new Record { Category = "contact", Purpose = "bench", LegalBasis = LegalBasis.Contract, Fields = { ["email"] = $"{Subject(i)}@example.org" } },
        };

        private static string Subject(int i) => $"s{i % Subjects}";
    }

    /// <summary>Per-round results by call, load and variant: closed-loop results, and fixed-rate histograms.</summary>
    private sealed class Results
    {
        private readonly Dictionary<(string Call, string Load, string Variant), List<Measure.Result>> _closed = [];
        private readonly Dictionary<(string Call, string Variant), List<HistogramBase>> _fixed = [];

        public List<Measure.Result> Closed(Call call, string load, Variant variant) =>
            _closed.TryGetValue((call.Label, load, variant.Name), out var rounds) ? rounds : _closed[(call.Label, load, variant.Name)] = [];

        public List<HistogramBase> Fixed(Call call, Variant variant) =>
            _fixed.TryGetValue((call.Label, variant.Name), out var rounds) ? rounds : _fixed[(call.Label, variant.Name)] = [];
    }
}
