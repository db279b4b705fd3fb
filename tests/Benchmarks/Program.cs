using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Custodian.Benchmarks;
using Custodian.Silo;
using Custodian.Silo.Storage;
using Custodian.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// `storage` (default): encrypted vs plain grain storage on the same Azurite, variants alternated in
// rounds; the crypto alone; the rewrap rate of a KEK rotation. `access`: the gateway's read path with
// the grant check vs the tenant-only check. Ratios within one run matter, not absolute figures.
if (args.FirstOrDefault() == "access")
{
    await AccessBenchmark.RunAsync();
    return 0;
}

const int Rounds = 5;
const int Grains = 200;
const int Concurrency = 16;
const int OpsPerRound = 2_000;
const int PayloadBytes = 1024;
const int RewrapKeys = 3_000;

await using var azurite = await AzuriteServer.StartAsync();
var folder = Directory.CreateTempSubdirectory("custodian-bench-").FullName;
var tables = new TableServiceClient(azurite.ConnectionString);
var ring = LocalKeyRing.Load(Path.Combine(folder, "bench.kek.json"), "bench", createIfMissing: true);
var storage = new SecureStorageOptions();

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(FreePorts.Next(), FreePorts.Next());
    silo.Configure<Orleans.Configuration.EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
    silo.AddSecureGrainStorage(tables, storage, ring);
    silo.AddAzureTableGrainStorage("plain", o =>
    {
        o.TableServiceClient = tables;
        o.TableName = "BenchPlainState";
    });
});
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();
var payload = RandomNumberGenerator.GetBytes(PayloadBytes);

Console.WriteLine($"Custodian storage benchmark — {Environment.ProcessorCount} cores, Azurite 3.37.0, {PayloadBytes} B states, " +
    $"{Grains} grains, {Concurrency} concurrent callers, {OpsPerRound} ops per variant per round, {Rounds} rounds (alternating)");

// Warm-up: every grain activated and written once in both variants.
await Measure.ClosedLoopAsync(i => grains.GetGrain<ISecureStateBench>(i).WriteAsync(payload), Grains, Concurrency);
await Measure.ClosedLoopAsync(i => grains.GetGrain<IPlainStateBench>(i).WriteAsync(payload), Grains, Concurrency);

var results = new Dictionary<string, List<Measure.Result>>();
for (var round = 0; round < Rounds; round++)
{
    Add("write encrypted", await Measure.ClosedLoopAsync(i => grains.GetGrain<ISecureStateBench>(i % Grains).WriteAsync(payload), OpsPerRound, Concurrency));
    Add("write plain", await Measure.ClosedLoopAsync(i => grains.GetGrain<IPlainStateBench>(i % Grains).WriteAsync(payload), OpsPerRound, Concurrency));
    Add("read encrypted", await Measure.ClosedLoopAsync(i => grains.GetGrain<ISecureStateBench>(i % Grains).ReadAsync(), OpsPerRound, Concurrency));
    Add("read plain", await Measure.ClosedLoopAsync(i => grains.GetGrain<IPlainStateBench>(i % Grains).ReadAsync(), OpsPerRound, Concurrency));
}

Console.WriteLine();
Console.WriteLine($"{"metric",-16} {"ops/s (median)",15} {"min-max",17} {"p50 ms",8} {"p99 ms",8} {"p99.9 ms",9}");
foreach (var (name, list) in results)
{
    var median = list.OrderBy(r => r.Throughput).ElementAt(list.Count / 2);
    Console.WriteLine($"{name,-16} {median.Throughput,15:F0} {$"{list.Min(r => r.Throughput):F0}-{list.Max(r => r.Throughput):F0}",17} {median.P50,8:F2} {median.P99,8:F2} {median.P999,9:F2}");
}

Console.WriteLine();
foreach (var op in new[] { "write", "read" })
{
    var encrypted = Measure.Median(results[$"{op} encrypted"]);
    var plain = Measure.Median(results[$"{op} plain"]);
    Console.WriteLine($"{op}: encrypted/plain throughput {encrypted.Throughput / plain.Throughput:F3}, " +
        $"p99 {encrypted.P99 / plain.P99:F3}; encryption costs {100 * (1 - encrypted.Throughput / plain.Throughput):F1}% of the storage path's throughput");
}

// The crypto alone, single thread.
var key = new DataKey("dek-bench", RandomNumberGenerator.GetBytes(32));
var crypto = Stopwatch.StartNew();
const int CryptoOps = 100_000;
for (var i = 0; i < CryptoOps; i++)
{
    var envelope = EnvelopeCipher.Seal(payload, key, "custodian", "bench/1", "s");
    EnvelopeCipher.Open(envelope, key, "custodian", "bench/1", "s");
}

Console.WriteLine($"crypto alone: seal+open of {PayloadBytes} B = {crypto.Elapsed.TotalMicroseconds / CryptoOps:F2} µs per state on one core");

// Rewrap rate: M data keys, rotate, rewrap them all page by page, twice.
var keys = host.Services.GetRequiredService<DataKeyStore>();
await Measure.ClosedLoopAsync(i => keys.GetOrCreateAsync($"rewrapbench/{i}"), RewrapKeys, Concurrency);
for (var round = 0; round < 2; round++)
{
    var target = await ring.RotateAsync();
    var watch = Stopwatch.StartNew();
    long rewrapped = 0;
    string? continuation = null;
    do
    {
        (var count, continuation) = await keys.RewrapPageAsync(target, continuation, 500);
        rewrapped += count;
    }
    while (continuation is not null);

    Console.WriteLine($"rewrap to {target}: {rewrapped} data keys in {watch.Elapsed.TotalSeconds:F2} s = {rewrapped / watch.Elapsed.TotalSeconds:F0} keys/s");
}

await host.StopAsync();
Directory.Delete(folder, recursive: true);
return 0;

void Add(string name, Measure.Result result)
{
    if (!results.TryGetValue(name, out var list))
    {
        results[name] = list = [];
    }

    list.Add(result);
}
