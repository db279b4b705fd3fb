using System.Security.Cryptography;
using Custodian.Hosting;
using Custodian.Silo;
using Custodian.Silo.Regions;
using Custodian.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Custodian.Benchmarks;

/// <summary>
/// What the checks against rollback, reset and forged erasure cost: the <c>secure</c> chain as the silo registers it
/// ("checked") against the same chain with the activation's comparison with the pair's copy turned off ("unchecked",
/// the read path before the checks; both read the pair's copy, as the chain did before for its ETag). Per round, in an
/// order reversed every round: cold activations (every grain deactivated, then one in-memory call each: key unwrap,
/// both copies fetched, compared), cached reads (an in-memory call on an active grain), storage reads (the grain
/// reads its state again: both copies fetched and compared) and writes. Run in the storage benchmark's set-up.
/// </summary>
internal static class IntegrityBenchmark
{
    /// <summary>The benchmark's unchecked <c>secure</c> chain.</summary>
    public const string UncheckedProvider = "secure-unchecked";

    /// <summary>The benchmark's <c>secure</c> chain with the version record kept (in the witness's Azurite).</summary>
    public const string RecordedProvider = "secure-recorded";

    private const int Rounds = 5;
    private const int Grains = 300;
    private const int Concurrency = 16;
    private const int Ops = 3_000;
    private const int PayloadBytes = 1024;

    /// <summary>
    /// Registers <see cref="UncheckedProvider"/> (Encrypted → Replicated → this region's and the pair's tables, comparison
    /// off) and <see cref="RecordedProvider"/> (the same, comparison on, and the version record kept).
    /// </summary>
    public static void AddVariantStorages(ISiloBuilder silo, RegionStores stores, SecureStorageOptions options)
    {
        silo.Services.AddGrainStorage(UncheckedProvider, (sp, _) =>
        {
            var encrypted = SecureStorageExtensions.Encrypted(sp, Replicated(sp), options);
            encrypted.CompareWithPair = false;
            return encrypted;
        });
        silo.Services.AddGrainStorage(RecordedProvider, (sp, _) => SecureStorageExtensions.Encrypted(sp, Replicated(sp), options, new VersionRecord(
            stores.Witness.GetTableClient(VersionRecord.TableName), sp.GetRequiredService<AuditKeys>(), sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId)));

        static ReplicatedGrainStorage Replicated(IServiceProvider sp) => new(
            sp.GetRequiredKeyedService<IGrainStorage>(SecureStorageExtensions.InnerName), sp.GetRequiredService<PairReplica>(), sp.GetRequiredService<RegionFence>());
    }

    public static async Task RunOnAsync(IServiceProvider services)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var payload = RandomNumberGenerator.GetBytes(PayloadBytes);
        (string Name, Func<int, IStateBench> Grain)[] variants =
        [
            ("checked", i => grains.GetGrain<ISecureStateBench>(i % Grains)),
            ("unchecked", i => grains.GetGrain<ISecureUncheckedStateBench>(i % Grains)),
            ("recorded", i => grains.GetGrain<ISecureRecordedStateBench>(i % Grains)),
        ];
        foreach (var (_, grain) in variants)
        {
            await Measure.ClosedLoopAsync(i => grain(i).WriteAsync(payload), Grains, Concurrency); // data keys, first states
            await Measure.ClosedLoopAsync(i => grain(i).WriteAsync(payload), Ops / 2, Concurrency);
            await Measure.ClosedLoopAsync(i => grain(i).ReadAsync(), Ops / 2, Concurrency);
        }

        string[] measures = ["cold activation", "cached read", "storage read", "write"];
        var results = measures.ToDictionary(m => m, _ => variants.ToDictionary(v => v.Name, _ => new List<Measure.Result>()));
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var (name, grain) in round % 2 == 0 ? variants : Enumerable.Reverse(variants).ToArray())
            {
                await management.ForceActivationCollection(TimeSpan.Zero);
                results["cold activation"][name].Add(await Measure.ClosedLoopAsync(i => grain(i).SizeAsync(), Grains, Concurrency));
                results["cached read"][name].Add(await Measure.ClosedLoopAsync(i => grain(i).SizeAsync(), Ops, Concurrency));
                results["storage read"][name].Add(await Measure.ClosedLoopAsync(i => grain(i).ReadAsync(), Ops, Concurrency));
                results["write"][name].Add(await Measure.ClosedLoopAsync(i => grain(i).WriteAsync(payload), Ops, Concurrency));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Integrity checks: {Grains} grains per variant, 1 KiB states, {Concurrency} callers, {Rounds} rounds (cold: {Grains} activations per round; others: {Ops:N0} ops)");
        Console.WriteLine("medians of rounds (min-max); ratio checked/unchecked = median of the per-round ratios (min-max)");
        Console.WriteLine($"{"measure",-16} {"",-9} {"checked",-26} {"unchecked",-26} {"recorded",-26} checked/unchecked    recorded/checked");
        foreach (var measure in measures)
        {
            var c = results[measure]["checked"];
            var u = results[measure]["unchecked"];
            var rec = results[measure]["recorded"];
            foreach (var (label, of) in new (string, Func<Measure.Result, double>)[] { ("ops/s", r => r.Throughput), ("p50 ms", r => r.P50), ("p99 ms", r => r.P99) })
            {
                Console.WriteLine($"{measure,-16} {label,-9} {Cell(c.Select(of)),-26} {Cell(u.Select(of)),-26} {Cell(rec.Select(of)),-26} {Ratio(c, u, of),-20} {Ratio(rec, c, of)}");
            }
        }

        // What the checks add in CPU: one open of the pair's envelope per activation and per storage read.
        var cold = results["cold activation"]["checked"];
        var write = results["write"]["checked"];
        EnvelopeCryptoTiming.Print(payload, "checked (read = cold activation)",
            (Median(write.Select(r => r.Throughput)), Median(write.Select(r => r.P50))), (Median(cold.Select(r => r.Throughput)), Median(cold.Select(r => r.P50))));
    }

    private static string Ratio(List<Measure.Result> numerator, List<Measure.Result> denominator, Func<Measure.Result, double> of)
    {
        var ratios = numerator.Zip(denominator, (x, y) => of(x) / of(y)).ToList();
        return $"{Median(ratios):F3} ({ratios.Min():F2}-{ratios.Max():F2})";
    }

    private static string Cell(IEnumerable<double> rounds)
    {
        var values = rounds.ToList();
        return $"{Median(values):F2} ({values.Min():F2}-{values.Max():F2})";
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
