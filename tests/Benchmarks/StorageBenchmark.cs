using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Custodian.Hosting;
using Custodian.Silo;
using Custodian.Silo.Regions;
using Custodian.Silo.Storage;
using Custodian.Tests.Infrastructure;
using HdrHistogram;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Custodian.Benchmarks;

/// <summary>
/// The write path with replication vs without, for 1 KiB states, in one run on one machine: three Azurites
/// (this region, its pair behind a <see cref="FaultProxy"/>, the witness) and one in-process silo with
/// <c>secure</c> (Encrypted → Replicated → this region's and the pair's table), <c>secure-single</c> (the same
/// encryption over this region's table only), <c>plain</c> (a stock Azure Table provider), and raw table
/// upserts of an envelope-sized entity to the pair and to this region. Peak throughput in a closed loop,
/// latency at a fixed rate, the replicated p50 against single-region p50 + one raw round trip, the crypto
/// alone, the rewrap rate of a KEK rotation, and the drain rate of the replication backlog after the pair
/// was cut. Each measurement runs the variants back to back, in an order that is reversed every round, so
/// drift hits all alike.
/// </summary>
internal static class StorageBenchmark
{
    /// <summary>The benchmark's single-region secure storage (Encrypted → this region's table).</summary>
    public const string SingleRegionProvider = "secure-single";

    private const int Rounds = 5;
    private const int Grains = 200;
    private const int Concurrency = 16;
    private const int PeakOps = 3_000;
    private const double FixedRateShare = 0.5;
    private const double LightRateShare = 0.1;
    private const int UnloadedOps = 600;
    private const double FixedRateSeconds = 3;
    private const int PayloadBytes = 1024;
    private const int RewrapKeys = 3_000;
    private const int RewrapPage = 500;
    private const int DrainGrains = 2_000;
    private const long DrainFirstKey = 1_000_000;
    private const double Goal = 1.2;
    private const string PlainProvider = "plain";
    private const string PlainTable = "BenchPlainState";
    private const string SingleRegionInner = "secure-single-inner";
    private const string RawTable = "BenchRawState";

    private static readonly string[] Ops = ["write", "read"];
    private static readonly double[] Percentiles = [50, 99, 99.9];

    // While the pair is cut, every probe (each RenewInterval) has the pair's Azure Table provider log its failed
    // initialisation at Error with full stack traces; they are kept out of the report then, and only then.
    private static volatile bool s_pairCut;

    public static async Task RunAsync(bool integrity = false)
    {
        var total = Stopwatch.StartNew();
        await using var azurite = await AzuriteServer.StartAsync();
        await using var pairAzurite = await AzuriteServer.StartAsync();
        await using var witness = await AzuriteServer.StartAsync();
        // The silo reaches the pair's tables through this proxy only, so the drain measurement can cut it.
        await using var pairLink = new FaultProxy { TargetPort = pairAzurite.TablePort };
        var folder = Directory.CreateTempSubdirectory("custodian-bench-").FullName;
        var tables = new TableServiceClient(azurite.ConnectionString);
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(
            TestPlacement.Settings(pairAzurite.ConnectionStringWithTablePort(pairLink.Port), witness.ConnectionString, Path.Combine(folder, "eu-north.kek.json"))
                .Append(new("ConnectionStrings:Storage", azurite.ConnectionString))).Build();
        var placement = configuration.GetSection(Custodian.Hosting.PlacementOptions.Section).Get<Custodian.Hosting.PlacementOptions>()!;
        var storageOptions = new SecureStorageOptions { KeyFile = Path.Combine(folder, "eu-west.kek.json"), PairKeyFile = Path.Combine(folder, "eu-north.kek.json"), CreateKeyFileIfMissing = true };
        var stores = RegionStores.FromConfiguration(configuration, "eu-west", placement, storageOptions);

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter((_, category, level) =>
            level >= LogLevel.Warning && !(s_pairCut && category == "Orleans.Storage.AzureTableGrainStorage" && level < LogLevel.Critical));
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePorts.Next(), FreePorts.Next());
            // As the silo host adds them (reminders, the secure storage and its regions' services), over the benchmark's Azurites.
            silo.AddCustodianGrainServices(stores, storageOptions, new Custodian.Keys.KeyRotationOptions(),
                AuditKeys.Load(new AuditOptions { KeyFile = Path.Combine(folder, "audit.key"), CreateKeyIfMissing = true }));
            AddSingleRegionStorage(silo, stores, storageOptions);
            IntegrityBenchmark.AddVariantStorages(silo, stores, storageOptions);
            // The failover loop records moves in the trail; none happen here, and nothing measured is audited.
            silo.Services.AddSingleton<Custodian.Audit.IAuditTrail, AuditBenchmark.NoAuditTrail>();
            silo.AddAzureTableGrainStorage(PlainProvider, table =>
            {
                table.TableServiceClient = tables;
                table.TableName = PlainTable;
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            Console.WriteLine($"(Azurite processes: own {azurite.ProcessId}, pair {pairAzurite.ProcessId}, witness {witness.ProcessId})");
            await (integrity ? IntegrityBenchmark.RunOnAsync(host.Services) : RunOnAsync(host.Services, stores, storageOptions, pairLink));
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
            Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine($"total run time {total.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>
    /// <c>secure-single</c>: the silo's <see cref="EncryptedGrainStorage"/> with its own data keys, ledger, fence and
    /// replica, but over an Azure Table provider on this region's account (the state table of <c>secure</c>, same
    /// client, same envelope serializer) instead of <see cref="ReplicatedGrainStorage"/>. Only a new grain's data
    /// key goes to the pair (at warm-up); states stay in this region.
    /// </summary>
    private static void AddSingleRegionStorage(ISiloBuilder silo, RegionStores stores, SecureStorageOptions options)
    {
        silo.AddAzureTableGrainStorage(SingleRegionInner, table =>
        {
            table.TableServiceClient = stores.Tables;
            table.TableName = options.StateTable;
            table.GrainStorageSerializer = new EnvelopeSerializer();
        });
        silo.Services.AddGrainStorage(SingleRegionProvider, (sp, _) =>
            SecureStorageExtensions.Encrypted(sp, sp.GetRequiredKeyedService<IGrainStorage>(SingleRegionInner), options));
    }

    private static async Task RunOnAsync(IServiceProvider services, RegionStores stores, SecureStorageOptions storageOptions, FaultProxy pairLink)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var payload = RandomNumberGenerator.GetBytes(PayloadBytes);
        var replicated = new Variant(
            "replicated",
            i => grains.GetGrain<ISecureStateBench>(i % Grains).WriteAsync(payload),
            i => grains.GetGrain<ISecureStateBench>(i % Grains).ReadAsync());
        var single = new Variant(
            "single-region",
            i => grains.GetGrain<ISecureSingleStateBench>(i % Grains).WriteAsync(payload),
            i => grains.GetGrain<ISecureSingleStateBench>(i % Grains).ReadAsync());
        var plain = new Variant(
            "plain",
            i => grains.GetGrain<IPlainStateBench>(i % Grains).WriteAsync(payload),
            i => grains.GetGrain<IPlainStateBench>(i % Grains).ReadAsync());
        var readVariants = new[] { replicated, single, plain };

        // Warm-up (not reported): activates every grain, creates the secure grains' data keys (and copies them
        // to the pair), and gives the JIT every path before anything is timed.
        foreach (var variant in readVariants)
        {
            await Measure.ClosedLoopAsync(variant.Write, Grains, Concurrency);
            await Measure.ClosedLoopAsync(variant.Write, PeakOps / 2, Concurrency);
            await Measure.ClosedLoopAsync(variant.Read!, PeakOps / 2, Concurrency);
        }

        // One raw storage round trip: an entity with a binary property of a stored envelope's size, replaced.
        // The pair's goes through the silo's own client of the pair's account (its retry options) and the proxy.
        var envelopeBytes = await EnvelopeBytesAsync(stores.Tables.GetTableClient(storageOptions.StateTable), grains.GetGrain<ISecureStateBench>(0).GetGrainId().Type);
        var rawPair = await RawVariantAsync("raw pair", stores.PairTables.GetTableClient(RawTable), envelopeBytes);
        var rawOwn = await RawVariantAsync("raw own", stores.Tables.GetTableClient(RawTable), envelopeBytes);
        // The sum of the parts as one op: a single-region write, then one raw pair round trip, back to back.
        var sum = new Variant("single+raw pair", async i =>
        {
            await single.Write(i);
            await rawPair.Write(i);
        }, null);
        var writeVariants = new[] { replicated, single, plain, rawPair, rawOwn, sum };
        foreach (var variant in new[] { rawPair, rawOwn })
        {
            await Measure.ClosedLoopAsync(variant.Write, PeakOps / 2, Concurrency);
        }

        // The harness alone at the fixed rate: an op that does nothing, so its latency is the lateness of the
        // open loop's start (a ~1 ms timer) and its continuation; every measured op's latency includes it once.
        var noOp = new Variant("no-op", _ => Task.CompletedTask, null);

        var plainSerializer = services.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get(PlainProvider).GrainStorageSerializer;
        PrintMetadata(plainSerializer?.GetType().Name ?? "default", envelopeBytes, writeVariants);

        var peak = new Results<Measure.Result>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var op in Ops)
            {
                foreach (var variant in InRoundOrder(round, op == "write" ? writeVariants : readVariants))
                {
                    peak.Add(op, variant, await Measure.ClosedLoopAsync(variant.Op(op), PeakOps, Concurrency));
                }
            }
        }

        // Every variant of an op runs at the same rate: a share of the lowest of their median peaks.
        var writeRate = FixedRateShare * writeVariants.Min(v => Median(peak.Of("write", v)));
        var readRate = FixedRateShare * readVariants.Min(v => Median(peak.Of("read", v)));
        // The goal's variants with one caller: every op's latency a sequence of round trips, with no queueing
        // behind other ops and no open-loop lateness (a closed loop times from the call).
        var unloadedVariants = new[] { replicated, single, rawPair, sum };
        var unloaded = new Results<Measure.Result>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var variant in InRoundOrder(round, unloadedVariants))
            {
                unloaded.Add("write", variant, await Measure.ClosedLoopAsync(variant.Write, UnloadedOps, 1));
            }
        }

        // The goal's variants once more at a light rate, where no variant is near its peak, so the p50s are
        // round trips rather than queueing for the cores that the silo shares with the three Azurites.
        var lightRate = LightRateShare * writeVariants.Min(v => Median(peak.Of("write", v)));
        var latency = new Results<HistogramBase>();
        var light = new Results<HistogramBase>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var op in Ops)
            {
                var rate = op == "write" ? writeRate : readRate;
                foreach (var variant in InRoundOrder(round, op == "write" ? [.. writeVariants, noOp] : readVariants))
                {
                    latency.Add(op, variant, await Measure.FixedRateAsync(variant.Op(op), rate, (int)(rate * FixedRateSeconds)));
                }
            }

            foreach (var variant in InRoundOrder(round, [replicated, single, rawPair, noOp]))
            {
                light.Add("write", variant, await Measure.FixedRateAsync(variant.Write, lightRate, (int)(lightRate * FixedRateSeconds)));
            }
        }

        var columns = writeVariants.Select(v => v.Name).ToList();
        ComparisonTable.Header($"Peak throughput, closed loop ({Concurrency} callers, {PeakOps:N0} ops per variant per round): median round (min-max of rounds), ops/s", columns);
        foreach (var op in Ops)
        {
            ComparisonTable.Row($"{op} ops/s", [.. writeVariants.Select(v => Throughput(peak, op, v))], "F0");
        }

        ComparisonTable.Header(
            $"Latency at a fixed rate ({100 * FixedRateShare:F0}% of the lowest median peak: writes {writeRate:F0}/s, reads {readRate:F0}/s, " +
            $"{FixedRateSeconds:F0} s per variant per round): all rounds pooled (min-max of rounds), ms",
            columns);
        foreach (var op in Ops)
        {
            foreach (var percentile in Percentiles)
            {
                ComparisonTable.Row(LatencyMetric(op, percentile), [.. writeVariants.Select(v => Latency(latency, op, v, percentile))], "F2");
            }
        }

        ComparisonTable.Header("Ratios: median of the per-round ratios (min-max of rounds)", ["replicated/single", "single/plain", "replicated/plain", "replicated/sum"]);
        foreach (var op in Ops)
        {
            ComparisonTable.RatioRow($"{op} ops/s", op == "write" ? Pairs(v => Throughput(peak, op, v)!) : ReadPairs(v => Throughput(peak, op, v)!));
        }

        foreach (var op in Ops)
        {
            foreach (var percentile in Percentiles)
            {
                ComparisonTable.RatioRow(
                    LatencyMetric(op, percentile),
                    op == "write" ? Pairs(v => Latency(latency, op, v, percentile)!) : ReadPairs(v => Latency(latency, op, v, percentile)!));
            }
        }

        Console.WriteLine();
        Console.WriteLine("ratios:    each round ran the variants back to back, so each per-round ratio is free of drift between rounds;");
        Console.WriteLine("           throughput below 1 or latency above 1 is the first variant being slower. A range that spans 1 is noise.");
        Console.WriteLine("           replicated/single is what replication costs, single/plain what the encrypted path costs, replicated/sum");
        Console.WriteLine("           the replicated write against one op made of a single-region write and then a raw pair round trip.");
        Console.WriteLine($"load average now {BenchMachine.LoadAverage()} (1/5/15 min; above {Environment.ProcessorCount} means other processes shared the cores)");

        var (seal, _) = EnvelopeCryptoTiming.Print(
            payload,
            "replicated",
            (Median(peak.Of("write", replicated)), Measure.Milliseconds(Measure.Pooled(latency.Of("write", replicated)), 50)),
            (Median(peak.Of("read", replicated)), Measure.Milliseconds(Measure.Pooled(latency.Of("read", replicated)), 50)));

        var throughput = ComparisonTable.Ratio(
            [.. peak.Of("write", replicated).Select(r => r.Throughput)], [.. peak.Of("write", single).Select(r => r.Throughput)]);
        Console.WriteLine();
        Console.WriteLine(
            $"Replication cost, 1 KiB writes: peak throughput replicated/single {throughput.Median:F3} (rounds {ComparisonTable.Spread(throughput.Rounds, "F2")}); " +
            $"goal: replicated p50 <= {Goal.ToString("F1", CultureInfo.InvariantCulture)} x (single-region p50 + raw pair p50)");
        PrintReplicationCost($"{100 * FixedRateShare:F0}% of the lowest peak", latency, replicated, single, rawPair, rawOwn, noOp, seal, writeRate);
        PrintReplicationCost($"{100 * LightRateShare:F0}% of the lowest peak, goal's variants only", light, replicated, single, rawPair, null, noOp, seal, lightRate);
        PrintUnloaded(unloaded, replicated, single, rawPair, sum, seal);

        await MeasureRewrapAsync(services.GetRequiredService<DataKeyStore>(), stores.KeyRing);

        await MeasureDrainAsync(services, grains, payload, stores.Tables.GetTableClient(RegionStores.BacklogTable), pairLink);

        IReadOnlyList<(ComparisonTable.Cell, ComparisonTable.Cell)?> Pairs(Func<Variant, ComparisonTable.Cell> cell) =>
            [(cell(replicated), cell(single)), (cell(single), cell(plain)), (cell(replicated), cell(plain)), (cell(replicated), cell(sum))];

        IReadOnlyList<(ComparisonTable.Cell, ComparisonTable.Cell)?> ReadPairs(Func<Variant, ComparisonTable.Cell> cell) =>
            [(cell(replicated), cell(single)), (cell(single), cell(plain)), (cell(replicated), cell(plain)), null];
    }

    /// <summary>
    /// The goal at one fixed rate: replicated write p50 ≤ 1.2 × (single-region write p50 + one raw pair round trip's
    /// p50), and how close the replicated write comes to its floor (two raw round trips plus sealing); both also
    /// without the harness's own lateness, which every p50 includes once.
    /// </summary>
    private static void PrintReplicationCost(
        string label, Results<HistogramBase> latency, Variant replicated, Variant single, Variant rawPair, Variant? rawOwn, Variant noOp,
        double sealMicroseconds, double rate)
    {
        double P50(Variant v) => Measure.Milliseconds(Measure.Pooled(latency.Of("write", v)), 50);
        double RoundP50(Variant v, int round) => Measure.Milliseconds(latency.Of("write", v)[round], 50);
        var repl = P50(replicated);
        var one = P50(single);
        var raw = P50(rawPair);
        var harness = P50(noOp);
        var ratio = repl / (one + raw);
        var (roundRatio, roundRatios) = ComparisonTable.Ratio(
            [.. Enumerable.Range(0, Rounds).Select(r => RoundP50(replicated, r))],
            [.. Enumerable.Range(0, Rounds).Select(r => RoundP50(single, r) + RoundP50(rawPair, r))]);
        var net = (repl - harness) / (one - harness + (raw - harness));
        var floor = (2 * raw) + (sealMicroseconds / 1000);
        var netFloor = floor - harness;

        Console.WriteLine();
        Console.WriteLine($"  at {rate:F0} writes/s ({label}), p50 of all rounds pooled");
        Console.WriteLine($"    replicated p50                      {repl,8:F2} ms");
        Console.WriteLine($"    single-region p50                   {one,8:F2} ms");
        Console.WriteLine($"    raw pair round trip p50             {raw,8:F2} ms   (the silo's client of the pair's account, through the proxy)");
        if (rawOwn is not null)
        {
            Console.WriteLine($"    raw own round trip p50              {P50(rawOwn),8:F2} ms   (for comparison: this region's account, no proxy)");
        }

        Console.WriteLine($"    harness alone (no-op) p50           {harness,8:F2} ms   (the open loop's lateness, in every p50 above once)");
        Console.WriteLine($"    replication adds                    {repl - one,8:F2} ms   = {(repl - one) / raw:F2} raw pair round trips ({(repl - one) / (raw - harness):F2} without the harness)");
        Console.WriteLine(
            $"    replicated / (single + raw pair)    {ratio,8:F3}      per round {roundRatio:F3} ({ComparisonTable.Spread(roundRatios, "F2")}); " +
            $"goal <= {Goal.ToString("F1", CultureInfo.InvariantCulture)}: {(ratio <= Goal ? "met" : "NOT met")}");
        Console.WriteLine($"    the same without the harness        {net,8:F3}      (each p50 less the no-op's): {(net <= Goal ? "met" : "NOT met")}");
        Console.WriteLine($"    floor = 2 x raw pair + seal         {floor,8:F2} ms   (seal {sealMicroseconds:F1} µs); without the second harness {netFloor:F2} ms");
        Console.WriteLine($"    efficiency = floor / replicated     {floor / repl,8:F3}      without the second harness {netFloor / repl:F3}");
    }

    /// <summary>
    /// The goal with one caller in a closed loop: each variant's p50 is the median of its per-round p50s (a closed
    /// loop keeps no histogram); the ratios are medians of the per-round ratios.
    /// </summary>
    private static void PrintUnloaded(Results<Measure.Result> unloaded, Variant replicated, Variant single, Variant rawPair, Variant sum, double sealMicroseconds)
    {
        IReadOnlyList<double> P50s(Variant v) => [.. unloaded.Of("write", v).Select(r => r.P50)];
        var repl = P50s(replicated);
        var one = P50s(single);
        var raw = P50s(rawPair);
        var both = P50s(sum);
        var (goal, goalRounds) = ComparisonTable.Ratio(repl, [.. one.Zip(raw, (a, b) => a + b)]);
        var (ofSum, ofSumRounds) = ComparisonTable.Ratio(repl, both);
        var (efficiency, efficiencyRounds) = ComparisonTable.Ratio([.. raw.Select(r => (2 * r) + (sealMicroseconds / 1000))], repl);
        string Line(IReadOnlyList<double> p50s) => $"{ComparisonTable.Median(p50s),8:F2} ms   (rounds {ComparisonTable.Spread(p50s, "F2")})";

        Console.WriteLine();
        Console.WriteLine($"  one caller, closed loop ({UnloadedOps} writes per variant per round: round trips, no queueing, no open-loop lateness), median round p50");
        Console.WriteLine($"    replicated p50                      {Line(repl)}");
        Console.WriteLine($"    single-region p50                   {Line(one)}");
        Console.WriteLine($"    raw pair round trip p50             {Line(raw)}");
        Console.WriteLine($"    single+raw pair p50 (one op)        {Line(both)}");
        Console.WriteLine(
            $"    replicated / (single + raw pair)    {goal,8:F3}      (rounds {ComparisonTable.Spread(goalRounds, "F2")}); " +
            $"goal <= {Goal.ToString("F1", CultureInfo.InvariantCulture)}: {(goal <= Goal ? "met" : "NOT met")}");
        Console.WriteLine($"    replicated / single+raw pair        {ofSum,8:F3}      (rounds {ComparisonTable.Spread(ofSumRounds, "F2")}): what replication costs beyond its round trip");
        Console.WriteLine($"    efficiency = (2 x raw + seal) / repl {efficiency,7:F3}      (rounds {ComparisonTable.Spread(efficiencyRounds, "F2")})");
    }

    /// <summary>
    /// Cuts the pair, writes <see cref="DrainGrains"/> new grains' states (acknowledged into the backlog), counts the
    /// backlog, restores the pair and times one drain after another (<see cref="PairReplica.DrainNowAsync"/>, which
    /// the silo's loop also calls every RenewInterval) until the backlog is empty; then checks the pair's copies.
    /// </summary>
    private static async Task MeasureDrainAsync(IServiceProvider services, IGrainFactory grains, byte[] payload, TableClient backlog, FaultProxy pairLink)
    {
        var replica = services.GetRequiredService<PairReplica>();
        var before = await CountBacklogAsync(backlog);
        s_pairCut = true;
        pairLink.Cut();
        var writes = await Measure.ClosedLoopAsync(i => grains.GetGrain<ISecureStateBench>(DrainFirstKey + i).WriteAsync(payload), DrainGrains, Concurrency);
        var rows = await CountBacklogAsync(backlog);
        var reachableWhileCut = replica.PairReachable;
        var drainedBefore = replica.Status.Drained;

        pairLink.Restore();
        s_pairCut = false;
        var watch = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var passes = 0;
        do
        {
            await replica.DrainNowAsync(deadline.Token);
            passes++;
        }
        while (replica.Status.Items > 0 || !replica.PairReachable);

        var elapsed = watch.Elapsed.TotalSeconds;
        var left = await CountBacklogAsync(backlog);
        var drained = replica.Status.Drained - drainedBefore;

        // Every new grain's state and data key must now be in the pair.
        var pairStates = services.GetRequiredService<PairStates>();
        var pairKeys = services.GetRequiredKeyedService<DataKeyStore>(SecureStorageExtensions.Pair);
        int missingStates = 0, missingKeys = 0;
        await Measure.ClosedLoopAsync(async i =>
        {
            var id = grains.GetGrain<ISecureStateBench>(DrainFirstKey + i).GetGrainId();
            var copy = new GrainState<EncryptedEnvelope>();
            await pairStates.ReadStateAsync("s", id, copy);
            if (!copy.RecordExists || copy.State is not { Version: > 0 })
            {
                Interlocked.Increment(ref missingStates);
            }

            if (await pairKeys.FindRowAsync(id.ToString()) is null)
            {
                Interlocked.Increment(ref missingKeys);
            }
        }, DrainGrains, Concurrency);

        var items = rows.Values.Sum();
        var keys = rows.GetValueOrDefault(nameof(BacklogKind.Key));
        Console.WriteLine();
        Console.WriteLine($"Backlog drain (pair cut at the proxy, {DrainGrains:N0} new grains written, pair restored, then PairReplica.DrainNowAsync called in a loop");
        Console.WriteLine("until the backlog is empty, instead of waiting up to RenewInterval for the silo's loop; pair provider errors not shown while cut)");
        Console.WriteLine($"  backlog before the cut              {before.Values.Sum()} rows");
        Console.WriteLine(
            $"  writes while cut                    {DrainGrains:N0} acknowledged at {writes.Throughput:F0}/s ({Concurrency} callers), " +
            $"p50 {writes.P50:F2} ms, p99 {writes.P99:F2} ms, p99.9 {writes.P999:F2} ms; pair marked unreachable: {(reachableWhileCut ? "no" : "yes")}");
        Console.WriteLine($"  backlog after the writes            {items:N0} rows ({string.Join(", ", rows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value:N0}"))})");
        Console.WriteLine($"  drained                             {drained:N0} items in {elapsed:F2} s, {passes} pass(es), {left.Values.Sum()} rows left");
        Console.WriteLine($"  drain rate                          {items / elapsed:F0} items/s; {keys / elapsed:F0} keys/s (data keys = grains whose key and state both reached the pair)");
        Console.WriteLine($"  pair copies checked                 {DrainGrains - missingStates:N0}/{DrainGrains:N0} states, {DrainGrains - missingKeys:N0}/{DrainGrains:N0} data keys present");
    }

    private static async Task<Dictionary<string, int>> CountBacklogAsync(TableClient backlog)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var row in backlog.QueryAsync<TableEntity>(select: ["Kind"]))
        {
            var kind = row.GetString("Kind") ?? "?";
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
        }

        return counts;
    }

    /// <summary>The median size of the stored envelopes (their binary <c>Data</c> property) of one grain type's states.</summary>
    private static async Task<int> EnvelopeBytesAsync(TableClient states, GrainType grainType)
    {
        // The provider's partition key holds the service id and the grain id, sanitised ('/' is not allowed).
        var marker = grainType.ToString()!;
        var sizes = new List<double>();
        var seen = new List<string>();
        await foreach (var row in states.QueryAsync<TableEntity>())
        {
            seen.Add(row.PartitionKey);
            if (row.PartitionKey.Contains(marker, StringComparison.Ordinal) && row.GetBinary("Data") is { } data)
            {
                sizes.Add(data.Length);
            }
        }

        return sizes.Count > 0 ? (int)ComparisonTable.Median(sizes) : throw new InvalidOperationException($"No stored state of {marker} in table {states.Name} (partitions: {string.Join(", ", seen.Take(5))}).");
    }

    /// <summary>A raw upsert (replace) of an entity with <paramref name="bytes"/> random bytes, one row per grain index.</summary>
    private static async Task<Variant> RawVariantAsync(string name, TableClient table, int bytes)
    {
        await table.CreateIfNotExistsAsync();
        var data = RandomNumberGenerator.GetBytes(bytes);
        return new Variant(name, i => table.UpsertEntityAsync(new TableEntity($"bench_{i % Grains}", "s") { ["Data"] = data }, TableUpdateMode.Replace), null);
    }

    private static ComparisonTable.Cell? Throughput(Results<Measure.Result> peak, string op, Variant variant) =>
        peak.TryOf(op, variant) is { } rounds ? new(Median(rounds), [.. rounds.Select(r => r.Throughput)]) : null;

    private static ComparisonTable.Cell? Latency(Results<HistogramBase> latency, string op, Variant variant, double percentile) =>
        latency.TryOf(op, variant) is { } rounds
            ? new(Measure.Milliseconds(Measure.Pooled(rounds), percentile), [.. rounds.Select(h => Measure.Milliseconds(h, percentile))])
            : null;

    private static string LatencyMetric(string op, double percentile) => $"{op} p{percentile.ToString(CultureInfo.InvariantCulture)}";

    private static IEnumerable<Variant> InRoundOrder(int round, IReadOnlyList<Variant> variants) =>
        round % 2 == 0 ? variants : variants.Reverse();

    private static double Median(IEnumerable<Measure.Result> rounds) => Measure.Median([.. rounds]).Throughput;

    private static async Task MeasureRewrapAsync(DataKeyStore keys, IKeyRing ring)
    {
        await Measure.ClosedLoopAsync(i => keys.GetOrCreateAsync($"rewrapbench/{i}"), RewrapKeys, Concurrency);
        Console.WriteLine();
        Console.WriteLine($"Rewrap after a key-encryption-key rotation ({RewrapKeys:N0} synthetic data keys + the {2 * Grains} secure grains' own, pages of {RewrapPage})");
        for (var round = 0; round < 2; round++)
        {
            var target = await ring.RotateAsync();
            var watch = Stopwatch.StartNew();
            long rewrapped = 0;
            string? continuation = null;
            do
            {
                (var count, continuation) = await keys.RewrapPageAsync(target, continuation, RewrapPage);
                rewrapped += count;
            }
            while (continuation is not null);

            Console.WriteLine($"rotation {round + 1} to {target}: {rewrapped:N0} data keys in {watch.Elapsed.TotalSeconds:F2} s = {rewrapped / watch.Elapsed.TotalSeconds:F0} keys/s");
        }
    }

    private static void PrintMetadata(string plainSerializer, int envelopeBytes, IReadOnlyList<Variant> writeVariants)
    {
        var orleans = typeof(Grain).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split(' ', '+')[0].TrimEnd('.');
        var order = string.Join(" ", writeVariants.Select(v => v.Name));
        Console.WriteLine("Custodian storage benchmark: replicated vs single-region secure storage vs plain Azure Table, raw round trips, one run");
        Console.WriteLine($"  machine   {Environment.ProcessorCount} cores ({BenchMachine.CpuModel()}), {RuntimeInformation.OSDescription}, load average at start {BenchMachine.LoadAverage()}");
        Console.WriteLine($"  runtime   {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, Orleans {orleans}, silo in-process");
        Console.WriteLine($"  Azurite   {BenchMachine.AzuriteVersion()} on node {BenchMachine.NodeVersion()}, three instances: own region, pair (behind an in-process TCP proxy), witness (--skipApiVersionCheck)");
        Console.WriteLine($"  states    {PayloadBytes} B random, N = {Grains} grains per variant; secure: AES-256-GCM envelope as JSON ({envelopeBytes} B) in table " +
            $"{new SecureStorageOptions().StateTable}; plain: {plainSerializer} in table {PlainTable}");
        Console.WriteLine("  variants  replicated = secure (Encrypted -> Replicated -> own + pair table); single-region = the same encryption over the own table only;");
        Console.WriteLine($"            plain = stock Azure Table provider (own account); raw pair / raw own = TableClient.UpsertEntityAsync (Replace) of a {envelopeBytes} B binary property;");
        Console.WriteLine("            single+raw pair = one op: a single-region write, then a raw pair upsert (the sum of the replicated write's parts)");
        Console.WriteLine($"  peak      closed loop, C = {Concurrency} callers, {PeakOps:N0} ops per variant per op per round");
        Console.WriteLine($"  latency   open loop at {100 * FixedRateShare:F0}% of the lowest median peak of the op's variants, {FixedRateSeconds:F0} s per variant per op per round, HdrHistogram;");
        Console.WriteLine($"            the goal's variants' writes also at {100 * LightRateShare:F0}% and with one caller in a closed loop ({UnloadedOps} per round); no-op = the harness alone at the write rate");
        Console.WriteLine($"  rounds    {Rounds}, variants back to back, order reversed each round ({order}; then reversed); throughput = median round");
    }

    /// <summary>One variant's write and read op, by op index (no read for the raw round trips).</summary>
    private sealed record Variant(string Name, Func<int, Task> Write, Func<int, Task>? Read)
    {
        public Func<int, Task> Op(string op) => op == "write" ? Write : Read ?? throw new InvalidOperationException($"{Name} has no read.");
    }

    /// <summary>Per-round results by op and variant.</summary>
    private sealed class Results<T>
    {
        private readonly Dictionary<(string Op, string Variant), List<T>> _rounds = [];

        public void Add(string op, Variant variant, T result)
        {
            if (!_rounds.TryGetValue((op, variant.Name), out var list))
            {
                _rounds[(op, variant.Name)] = list = [];
            }

            list.Add(result);
        }

        public IReadOnlyList<T> Of(string op, Variant variant) => _rounds[(op, variant.Name)];

        public IReadOnlyList<T>? TryOf(string op, Variant variant) => _rounds.TryGetValue((op, variant.Name), out var list) ? list : null;
    }
}
