using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Custodian.Silo;
using Custodian.Silo.Storage;
using Custodian.Tests.Infrastructure;
using HdrHistogram;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Custodian.Benchmarks;

/// <summary>
/// Encrypted (<c>secure</c>) vs plain Azure Table grain storage for 1 KiB states, in one run on one
/// Azurite and one in-process silo: peak throughput in a closed loop, latency at a fixed rate, the
/// crypto alone, and the rewrap rate of a key-encryption-key rotation. Each measurement runs the two
/// variants back to back, in an order that flips every round (E P, P E, ...), so drift hits both alike.
/// </summary>
internal static class StorageBenchmark
{
    private const int Rounds = 5;
    private const int Grains = 200;
    private const int Concurrency = 16;
    private const int PeakOps = 3_000;
    private const double FixedRateShare = 0.5;
    private const double FixedRateSeconds = 3;
    private const int PayloadBytes = 1024;
    private const int RewrapKeys = 3_000;
    private const int RewrapPage = 500;
    private const string PlainProvider = "plain";
    private const string PlainTable = "BenchPlainState";

    private static readonly string[] Ops = ["write", "read"];
    private static readonly double[] Percentiles = [50, 99, 99.9];

    public static async Task RunAsync()
    {
        var total = Stopwatch.StartNew();
        await using var azurite = await AzuriteServer.StartAsync();
        await using var pairAzurite = await AzuriteServer.StartAsync();
        await using var witness = await AzuriteServer.StartAsync();
        var folder = Directory.CreateTempSubdirectory("custodian-bench-").FullName;
        var tables = new TableServiceClient(azurite.ConnectionString);
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(
            TestPlacement.Settings(pairAzurite.ConnectionString, witness.ConnectionString, Path.Combine(folder, "eu-north.kek.json"))
                .Append(new("ConnectionStrings:Storage", azurite.ConnectionString))).Build();
        var placement = configuration.GetSection(Custodian.Hosting.PlacementOptions.Section).Get<Custodian.Hosting.PlacementOptions>()!;
        var storageOptions = new SecureStorageOptions { KeyFile = Path.Combine(folder, "eu-west.kek.json"), PairKeyFile = Path.Combine(folder, "eu-north.kek.json"), CreateKeyFileIfMissing = true };
        var stores = Custodian.Silo.Regions.RegionStores.FromConfiguration(configuration, "eu-west", placement, storageOptions);
        var ring = stores.KeyRing;

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePorts.Next(), FreePorts.Next());
            silo.AddSecureGrainStorage(stores, storageOptions);
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
            await RunOnAsync(host.Services, ring);
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

    private static async Task RunOnAsync(IServiceProvider services, IKeyRing ring)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var payload = RandomNumberGenerator.GetBytes(PayloadBytes);
        var encrypted = new Variant(
            "encrypted",
            i => grains.GetGrain<ISecureStateBench>(i % Grains).WriteAsync(payload),
            i => grains.GetGrain<ISecureStateBench>(i % Grains).ReadAsync());
        var plain = new Variant(
            "plain",
            i => grains.GetGrain<IPlainStateBench>(i % Grains).WriteAsync(payload),
            i => grains.GetGrain<IPlainStateBench>(i % Grains).ReadAsync());
        var plainSerializer = services.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get(PlainProvider).GrainStorageSerializer;
        PrintMetadata(plainSerializer?.GetType().Name ?? "default");

        // Warm-up (not reported): activates every grain, creates the encrypted grains' data keys, and
        // gives the JIT both paths before anything is timed.
        foreach (var variant in new[] { encrypted, plain })
        {
            await Measure.ClosedLoopAsync(variant.Write, Grains, Concurrency);
            await Measure.ClosedLoopAsync(variant.Write, PeakOps / 2, Concurrency);
            await Measure.ClosedLoopAsync(variant.Read, PeakOps / 2, Concurrency);
        }

        var peak = new Results<Measure.Result>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var op in Ops)
            {
                foreach (var variant in InRoundOrder(round, encrypted, plain))
                {
                    peak.Add(op, variant, await Measure.ClosedLoopAsync(variant.Op(op), PeakOps, Concurrency));
                }
            }
        }

        // Both variants run at the same rate: a share of the lower of the two median peaks.
        var writeRate = FixedRateShare * Math.Min(Median(peak.Of("write", encrypted)), Median(peak.Of("write", plain)));
        var readRate = FixedRateShare * Math.Min(Median(peak.Of("read", encrypted)), Median(peak.Of("read", plain)));
        var latency = new Results<HistogramBase>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var op in Ops)
            {
                var rate = op == "write" ? writeRate : readRate;
                foreach (var variant in InRoundOrder(round, encrypted, plain))
                {
                    latency.Add(op, variant, await Measure.FixedRateAsync(variant.Op(op), rate, (int)(rate * FixedRateSeconds)));
                }
            }
        }

        ComparisonTable.Header($"Peak throughput, closed loop ({Concurrency} callers, {PeakOps:N0} ops per variant per round): median round, ops/s");
        foreach (var op in Ops)
        {
            var e = peak.Of(op, encrypted).Select(r => r.Throughput).ToList();
            var p = peak.Of(op, plain).Select(r => r.Throughput).ToList();
            ComparisonTable.Row($"{op} ops/s", Median(e), Median(p), e, p, higherIsBetter: true, "F0");
        }

        ComparisonTable.Header(
            $"Latency at a fixed rate ({100 * FixedRateShare:F0}% of the lower peak: writes {writeRate:F0}/s, reads {readRate:F0}/s, " +
            $"{FixedRateSeconds:F0} s per variant per round): all rounds pooled, ms");
        foreach (var op in Ops)
        {
            var e = latency.Of(op, encrypted);
            var p = latency.Of(op, plain);
            foreach (var percentile in Percentiles)
            {
                ComparisonTable.Row(
                    $"{op} p{percentile.ToString(CultureInfo.InvariantCulture)}",
                    Measure.Milliseconds(Pooled(e), percentile),
                    Measure.Milliseconds(Pooled(p), percentile),
                    [.. e.Select(h => Measure.Milliseconds(h, percentile))],
                    [.. p.Select(h => Measure.Milliseconds(h, percentile))],
                    higherIsBetter: false,
                    "F2");
            }
        }

        Console.WriteLine();
        Console.WriteLine("enc/plain: median of the per-round ratios (each round ran both variants back to back); throughput");
        Console.WriteLine("           below 1 or latency above 1 is the encrypted path being slower.");
        Console.WriteLine("overhead:  what the encrypted path costs beyond the plain one, as a share of the encrypted path's cost");
        Console.WriteLine("           (throughput: 1 - ratio; latency: 1 - 1/ratio). A ratio range that spans 1 is noise, not a cost.");
        Console.WriteLine($"load average now {BenchMachine.LoadAverage()} (1/5/15 min; above {Environment.ProcessorCount} means other processes shared the cores)");

        EnvelopeCryptoTiming.Print(
            payload,
            (Median(peak.Of("write", encrypted)), Measure.Milliseconds(Pooled(latency.Of("write", encrypted)), 50)),
            (Median(peak.Of("read", encrypted)), Measure.Milliseconds(Pooled(latency.Of("read", encrypted)), 50)));

        await MeasureRewrapAsync(services.GetRequiredService<DataKeyStore>(), ring);
    }

    private static IEnumerable<Variant> InRoundOrder(int round, Variant first, Variant second) =>
        round % 2 == 0 ? [first, second] : [second, first];

    private static double Median(IEnumerable<Measure.Result> rounds) => Measure.Median([.. rounds]).Throughput;

    private static double Median(IReadOnlyList<double> values) => values.Order().ElementAt(values.Count / 2);

    private static HistogramBase Pooled(IReadOnlyList<HistogramBase> rounds)
    {
        var pooled = rounds[0].Copy();
        foreach (var round in rounds.Skip(1))
        {
            pooled.Add(round);
        }

        return pooled;
    }

    private static async Task MeasureRewrapAsync(DataKeyStore keys, IKeyRing ring)
    {
        await Measure.ClosedLoopAsync(i => keys.GetOrCreateAsync($"rewrapbench/{i}"), RewrapKeys, Concurrency);
        Console.WriteLine();
        Console.WriteLine($"Rewrap after a key-encryption-key rotation ({RewrapKeys:N0} synthetic data keys + the {Grains} grains' own, pages of {RewrapPage})");
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

    private static void PrintMetadata(string plainSerializer)
    {
        var orleans = typeof(Grain).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split(' ', '+')[0].TrimEnd('.');
        Console.WriteLine("Custodian storage benchmark: encrypted (secure) vs plain Azure Table grain storage, one Azurite, one run");
        Console.WriteLine($"  machine   {Environment.ProcessorCount} cores ({BenchMachine.CpuModel()}), {RuntimeInformation.OSDescription}, load average at start {BenchMachine.LoadAverage()}");
        Console.WriteLine($"  runtime   {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, Orleans {orleans}, silo in-process");
        Console.WriteLine($"  Azurite   {BenchMachine.AzuriteVersion()} on node {BenchMachine.NodeVersion()}, one instance for both variants (--skipApiVersionCheck)");
        Console.WriteLine($"  states    {PayloadBytes} B random, N = {Grains} grains per variant; encrypted: AES-256-GCM envelope as JSON in table " +
            $"{new SecureStorageOptions().StateTable}; plain: {plainSerializer} in table {PlainTable}");
        Console.WriteLine($"  peak      closed loop, C = {Concurrency} callers, {PeakOps:N0} ops per variant per op per round");
        Console.WriteLine($"  latency   open loop at {100 * FixedRateShare:F0}% of the lower median peak, {FixedRateSeconds:F0} s per variant per op per round, HdrHistogram");
        Console.WriteLine($"  rounds    {Rounds}, variants alternated, order flipped each round (E P, P E, ...); throughput = median round, spread = min-max of rounds");
    }

    /// <summary>One storage variant's write and read op, by op index.</summary>
    private sealed record Variant(string Name, Func<int, Task> Write, Func<int, Task> Read)
    {
        public Func<int, Task> Op(string op) => op == "write" ? Write : Read;
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
    }
}
