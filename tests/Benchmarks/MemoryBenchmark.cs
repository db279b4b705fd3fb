using System.Diagnostics;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using Custodian.Silo.Storage;
using Custodian.Subjects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace Custodian.Benchmarks;

/// <summary>
/// The silo's memory with many activated DataSubject grains, each holding one 1 KiB record, and what an activation
/// costs: the real silo (<c>AddCustodianSilo</c>, in-process, clustering, reminders and keys on Azurite) with its
/// <c>secure</c> storage replaced by <see cref="FabricatedSubjectStorage"/>, whose states are fabricated on read, so an
/// activation's cost here excludes storage I/O and decryption (the integrity benchmark's cold activations measure
/// those). The driver in the same process calls the silo's grain factory (no gateway, no client), activating grains
/// with <c>GetRecordAsync</c>, the call a cached read makes, each call timed; memory is taken after a warm-up and
/// after each step, after a full blocking compacting GC. Grain reads write no audit records, so the audit trail does
/// not grow meanwhile (the report says what the trail's meter counted); grains are not collected during the run.
/// </summary>
internal static class MemoryBenchmark
{
    private const string Tenant = "acme";
    private const string ReadPurpose = "support";
    private const int Concurrency = 32;
    private const int WarmUpGrains = 300;
    private const int CachedCalls = 20_000;
    private static readonly TimeSpan CollectionAge = TimeSpan.FromHours(2);

    public static async Task<MemoryReport> RunAsync(bool smoke)
    {
        int[] steps = smoke ? [500, 2_000] : [10_000, MemoryReport.TargetGrains];
        var loadAtStart = BenchMachine.LoadAverage();
        await using var cluster = await BenchCluster.StartAsync(["eu-west"], inMemoryAzurite: true, siloServices: services =>
        {
            FabricatedSubjectStorage.Replace(services);
            services.Configure<GrainCollectionOptions>(o => o.CollectionAge = CollectionAge);
        });
        var silo = cluster.Silo("eu-west");
        var storage = silo.GetRequiredKeyedService<IGrainStorage>(SecureStorageOptions.ProviderName) as FabricatedSubjectStorage
            ?? throw new InvalidOperationException("The silo's secure storage is not the benchmark's.");
        var collection = silo.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
        var grains = silo.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);

        // Every answer must be the fabricated record, or the grain did not read its state from the benchmark's storage.
        var wrong = 0;
        async Task Read(string subject)
        {
            var lookup = await grains.GetGrain<IDataSubjectGrain>($"{Tenant}/{subject}").GetRecordAsync(FabricatedSubjectStorage.Category, ReadPurpose);
            if (lookup.Record?.Record.SizeInBytes != FabricatedSubjectStorage.RecordBytes)
            {
                Interlocked.Increment(ref wrong);
            }
        }

        // Warm-up (not counted): activations and cached calls, so the JIT and the silo's caches are done before the first point.
        await Measure.ClosedLoopAsync(i => Read($"w{i}"), WarmUpGrains, Concurrency);
        await Measure.ClosedLoopAsync(i => Read($"w{i % WarmUpGrains}"), CachedCalls / 4, Concurrency);
        var sample = await grains.GetGrain<IDataSubjectGrain>($"{Tenant}/w0").GetRecordAsync(FabricatedSubjectStorage.Category, ReadPurpose);
        if (sample.Record?.Record is not { } record || record.Validate().Count > 0)
        {
            throw new InvalidOperationException("The fabricated record is missing or not valid.");
        }

        PrintHeader(smoke, loadAtStart, steps, collection);
        using var trail = new TrailMeter();
        List<MemoryReport.Point> points = [await PointAsync(0, null)];
        foreach (var step in steps)
        {
            var from = points[^1].Grains;
            var activation = await Measure.ClosedLoopAsync(i => Read(Subject(from + i)), step - from, Concurrency);
            points.Add(await PointAsync(step, activation));
        }

        // Spread over every active grain.
        var active = points[^1].Grains;
        var cached = await Measure.ClosedLoopAsync(i => Read(Subject((int)(i * 7919L % active))), CachedCalls, Concurrency);
        Console.WriteLine($"  audit     the trail's meter while activating and calling: {trail.TakeSummary()}");
        if (wrong > 0 || storage.Fabricated != WarmUpGrains + active || points.Any(p => p.ActiveSubjects != WarmUpGrains + p.Grains))
        {
            throw new InvalidOperationException(
                $"Not what was measured: {wrong} answers without the fabricated record, {storage.Fabricated} states fabricated for {WarmUpGrains + active} grains, "
                + $"activations counted {string.Join(", ", points.Select(p => p.ActiveSubjects))}.");
        }

        // What the states alone hold: as many as the last step added, read as the grains read them and kept in an array
        // (made beforehand), measured as the points are.
        var states = new DataSubjectState[active - points[^2].Grains];
        var withoutStates = HeapAfterFullGc();
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = storage.Read($"{Tenant}/{Subject(active + i)}");
        }

        var stateBytes = (HeapAfterFullGc() - withoutStates) / (double)states.Length;
        GC.KeepAlive(states);

        return new MemoryReport(points, cached, stateBytes, BenchMachine.LoadAverage());

        async Task<MemoryReport.Point> PointAsync(int count, Measure.Result? activation)
        {
            var subjects = (await management.GetSimpleGrainStatistics())
                .Where(s => s.GrainType.StartsWith(typeof(DataSubjectGrain).FullName + ",", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
            var heap = HeapAfterFullGc();
            var gc = GC.GetGCMemoryInfo(GCKind.FullBlocking);
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            return new MemoryReport.Point(count, subjects, process.WorkingSet64, heap, gc.HeapSizeBytes, gc.TotalCommittedBytes, activation);
        }
    }

    private static string Subject(int index) => $"s{index}";

    /// <summary>The live managed bytes after two forced, blocking, compacting gen-2 collections (finalizers run between).</summary>
    private static long HeapAfterFullGc()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static void PrintHeader(bool smoke, string loadAtStart, int[] steps, GrainCollectionOptions collection)
    {
        var orleans = typeof(Grain).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split(' ', '+')[0].TrimEnd('.');
        var gc = GC.GetConfigurationVariables();
        Console.WriteLine($"Custodian memory benchmark{(smoke ? " (smoke)" : "")}: {string.Join(" and ", steps.Select(s => $"{s:N0}"))} activated DataSubject grains, one {FabricatedSubjectStorage.RecordBytes} B record each");
        Console.WriteLine($"  machine   {Environment.ProcessorCount} cores ({BenchMachine.CpuModel()}), {RuntimeInformation.OSDescription}, load average at start {loadAtStart}");
        Console.WriteLine($"  runtime   {RuntimeInformation.FrameworkDescription}, Orleans {orleans}; GCSettings.IsServerGC {GCSettings.IsServerGC}, "
            + $"heaps {gc.GetValueOrDefault("HeapCount")}, dynamic adaptation (DATAS) {gc.GetValueOrDefault("GCDynamicAdaptationMode")}, concurrent {gc.GetValueOrDefault("ConcurrentGC")}");
        Console.WriteLine("  process   one silo (AddCustodianSilo; clustering, reminders and keys on three in-memory Azurites) and the driver that calls the silo's");
        Console.WriteLine("            IGrainFactory, in one process: no gateway, no client; working set and GC heap are the whole process's");
        Console.WriteLine($"  states    fabricated by the benchmark's `secure` storage on read: one `{FabricatedSubjectStorage.Category}` record, {FabricatedSubjectStorage.RecordBytes} B of fields (UTF-8),");
        Console.WriteLine("            per grain key, through the silo's serializer; writes store nothing. Activation cost excludes storage I/O and decryption");
        Console.WriteLine($"  calls     GetRecordAsync(\"{FabricatedSubjectStorage.Category}\", \"{ReadPurpose}\"), {Concurrency} callers, every call timed; warm-up {WarmUpGrains} grains (not counted);");
        Console.WriteLine($"            collection age {collection.CollectionAge.TotalHours:F0} h, activation shedding on memory pressure {(collection.EnableActivationSheddingOnMemoryPressure ? "on" : "off")}");
        Console.WriteLine("  memory    after GC.Collect(2, Forced, blocking, compacting) twice: Process.WorkingSet64, GC.GetTotalMemory,");
        Console.WriteLine("            GCMemoryInfo.HeapSizeBytes and TotalCommittedBytes");
    }
}
