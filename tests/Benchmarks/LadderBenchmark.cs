using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Custodian.Benchmarks.Protos;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;
using Variant = Custodian.Benchmarks.LadderHost.StorageVariant;

namespace Custodian.Benchmarks;

/// <summary>
/// Where a call's time goes: the same calls, one rung at a time, from a bare TLS gRPC echo up to the product's audited
/// replicated write and its cached and cold reads, every rung in one run on one machine, each part of the system a
/// process of its own (<see cref="LadderSystem"/>). Per rung: throughput in a closed loop, latency at a fixed rate of
/// half that (no coordinated omission), errors, CPU time per call of each process, the ratio to the rung below, and
/// the efficiency against the floor the design allows (echo + crypto + the storage round trips it needs, each measured
/// in the same run). Writes <c>artifacts/benchmarks/ladder.md</c> and <c>ladder.json</c>.
/// </summary>
internal static class LadderBenchmark
{
    /// <summary>The purpose records are written and read for, and the staff member's grant is for.</summary>
    public const string Purpose = "support";

    private const string Category = "contact";
    private const int Subjects = 256;
    private const int Callers = 64;
    private const int NoteBytes = 1000;
    private const string StateTable = "CustodianState";
    private const string AuditTable = "CustodianAudit";
    private const string RawPartition = "ladder-raw";

    /// <summary>How long each rung runs.</summary>
    private sealed record Plan(double ClosedSeconds, double FixedSeconds, int WarmupCalls, int ColdReads, int SerialCalls, double IdleSeconds)
    {
        public static readonly Plan Full = new(ClosedSeconds: 5, FixedSeconds: 3, WarmupCalls: 1_500, ColdReads: 1_200, SerialCalls: 200, IdleSeconds: 2);
        public static readonly Plan Smoke = new(ClosedSeconds: 0.3, FixedSeconds: 0.3, WarmupCalls: 40, ColdReads: 60, SerialCalls: 10, IdleSeconds: 0.2);
    }

    /// <summary>How long the gateway and the silo are traced on the cached read path, with <c>--profile</c>.</summary>
    private static readonly TimeSpan ProfileDuration = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(bool smoke, bool profile, string output)
    {
        var plan = smoke ? Plan.Smoke : Plan.Full;
        var total = Stopwatch.StartNew();
        var loadAtStart = BenchMachine.LoadAverage();
        Console.WriteLine($"Custodian benchmark ladder{(smoke ? " (smoke: every rung runs briefly, only errors count)" : "")}: {Environment.ProcessorCount} cores, load average {loadAtStart}");
        await using var system = await LadderSystem.StartAsync();
        var rungs = new List<Rung>();
        var echo = await system.StartEchoAsync();

        // The record every write carries and every read returns; the echo carries a write's request each way.
        var put = (int i) => new PutRecordRequest
        {
            TenantId = LadderSystem.Tenant,
            SubjectId = $"s{i}",
            Record = new Record
            {
                Category = Category,
                Purpose = Purpose,
                LegalBasis = LegalBasis.Contract,
                Fields = { ["email"] = $"s{i}@example.org", ["note"] = new string('n', NoteBytes) },
            },
        };
        var payload = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(put(0).CalculateSize()));
        var echoOp = (int _) => (Task)echo.ReplyAsync(new EchoMessage { Payload = payload }).ResponseAsync;
        Console.WriteLine("L3 echo");
        rungs.Add(await MeasureAsync(system, plan, new("L3", "echo", "bare TLS gRPC echo on Kestrel, no auth, nothing behind it", null), echoOp));

        Func<int, Task> Read(SubjectsClient client, Func<int, string> subject) => i =>
            client.GetRecordAsync(new GetRecordRequest { TenantId = LadderSystem.Tenant, SubjectId = subject(i), Category = Category, Purpose = Purpose }).ResponseAsync;
        Func<int, Task> Write(SubjectsClient client) => i => client.PutRecordAsync(put(i % Subjects)).ResponseAsync;
        var warm = (int i) => $"s{i % Subjects}";

        async Task<LadderSystem.Clients> ConfigureAsync(Variant storage, bool audit)
        {
            Console.WriteLine($"{storage} storage, audit {(audit ? "on" : "off")}:");
            var clients = await system.StartAsync(storage, audit);
            await Measure.ClosedLoopAsync(Write(clients.App), Subjects, 16);
            return clients;
        }

        var configuration = await ConfigureAsync(Variant.Memory, audit: false);
        rungs.Add(await MeasureAsync(system, plan, new("L4", "read", "gateway → grain, in-memory storage, JWT + grant check, audit off", "L3 echo"), Read(configuration.Staff, warm)));
        rungs.Add(await MeasureAsync(system, plan, new("L4", "write", "gateway → grain, in-memory storage, JWT + tenant check, audit off", "L3 echo"), Write(configuration.App)));

        configuration = await ConfigureAsync(Variant.Memory, audit: true);
        rungs.Add(await MeasureAsync(system, plan, new("L4a", "read", "L4 with every decision audited (group commit to this region's trail)", "L4 read"), Read(configuration.Staff, warm)));
        rungs.Add(await MeasureAsync(system, plan, new("L4a", "write", "L4 with every decision audited", "L4 write"), Write(configuration.App)));

        configuration = await ConfigureAsync(Variant.EncryptedMemory, audit: false);
        rungs.Add(await MeasureAsync(system, plan, new("L5", "write", "L4 + the encrypting storage (cached data key) over in-memory storage", "L4 write"), Write(configuration.App)));

        configuration = await ConfigureAsync(Variant.Single, audit: false);
        rungs.Add(await MeasureAsync(system, plan, new("L6", "write", "encrypted write to this region's table, no replication, audit off", "L5 write"), Write(configuration.App)));
        var envelopeBytes = await LargestStateRowAsync(system.Own.Tables);
        // The storage round trips the design needs, each alone, from this process to the same Azurites and tables (while
        // this rung's silo and gateway idle): here, before the tables have grown with the rest of the run.
        Console.WriteLine($"raw table round trips ({envelopeBytes} B entities, the largest state row stored)");
        var raw = new RawTables(system, envelopeBytes);
        await raw.CreateAsync();
        rungs.Add(await MeasureAsync(system, plan, new("L6raw", "table write", "raw upsert of an envelope-sized entity into this region's state table", null), raw.WriteAsync));
        rungs.Add(await MeasureAsync(system, plan, new("raw", "pair write", "raw upsert of the same entity into the pair region's state table", null), raw.PairWriteAsync));
        rungs.Add(await MeasureAsync(system, plan, new("raw", "point read", "raw point read of the same entity", null), raw.ReadAsync));
        rungs.Add(await MeasureAsync(system, plan, new("raw", "append", "raw two-entity transaction (a segment row and its head) into this region's audit table", null), raw.AppendAsync));

        configuration = await ConfigureAsync(Variant.Replicated, audit: false);
        rungs.Add(await MeasureAsync(system, plan, new("L6r", "write", "L6 + replication to the pair region's table", "L6 write"), Write(configuration.App)));
        rungs.Add(await MeasureAsync(system, plan, new("R-", "read", "the product's read path with audit off (cached)", "L4 read"), Read(configuration.Staff, warm)));

        configuration = await ConfigureAsync(Variant.Replicated, audit: true);
        rungs.Add(await MeasureAsync(system, plan, new("L7", "write", "the product's write path: encrypted, replicated, audited", "L6r write"), Write(configuration.App)));
        rungs.Add(await MeasureAsync(system, plan, new("R", "read", "the product's cached read: grant check, audited", "L4a read"), Read(configuration.Staff, warm)));
        var profiles = profile ? await ProfileAsync(system, Read(configuration.Staff, warm), rungs[^1].Throughput, output) : "";

        // Cold reads: subjects written now, read once each after the silo restarted (activation, key unwrap, both copies fetched).
        (int Warmup, int Closed, int Fixed, int Serial) coldCalls = (plan.WarmupCalls / 10, plan.ColdReads, plan.ColdReads / 2, plan.SerialCalls);
        var coldCount = coldCalls.Warmup + coldCalls.Closed + coldCalls.Fixed + coldCalls.Serial;
        await Measure.ClosedLoopAsync(i => configuration.App.PutRecordAsync(put(Subjects + i)).ResponseAsync, coldCount, 16);
        Console.WriteLine("  restarting the silo: every grain inactive, no data key held");
        await system.RestartSiloAsync(() => Read(configuration.Staff, warm)(0));
        var nextCold = Subjects - 1;
        var cold = Read(configuration.Staff, _ => $"s{Interlocked.Increment(ref nextCold)}");
        rungs.Add(await MeasureAsync(system, plan, new("R", "cold read", "the product's read of an inactive subject: activation, data key read and unwrapped, both copies read, audited", "R read"), cold, fixedCalls: coldCalls));
        await system.StopAsync();

        Console.WriteLine("L3 echo again (the machine's drift over the run)");
        rungs.Add(await MeasureAsync(system, plan, new("L3", "echo again", "the echo once more at the end: its difference from the first is the run's drift", "L3 echo"), echoOp));

        await system.DisposeAsync();
        Console.WriteLine("memory: the silo alone, in a process of its own");
        var memory = await MemoryInOwnProcessAsync(smoke);
        var (seal, open) = EnvelopeCryptoTiming.TimeCrypto(RandomNumberGenerator.GetBytes(envelopeBytes));
        var crypto = new Crypto(seal, open);
        var report = Report.Of(rungs, crypto, smoke, loadAtStart, total.Elapsed);
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "ladder.json"), report.Json());
        await File.WriteAllTextAsync(Path.Combine(output, "ladder.md"), report.Markdown() + profiles + Environment.NewLine + memory);
        Console.WriteLine();
        Console.WriteLine(report.Markdown());
        Console.WriteLine(memory);
        Console.WriteLine($"written to {Path.Combine(output, "ladder.md")} and ladder.json");
        var failed = rungs.Where(r => r.Errors > 0 || r.Throughput <= 0).ToList();
        foreach (var rung in failed)
        {
            Console.WriteLine($"rung {rung.Id} {rung.Op} had {rung.Errors} errors{(rung.FirstError is { } e ? $", the first: {e}" : "")}");
        }

        return failed.Count == 0 && memory.Length > 0 ? 0 : 1;
    }

    /// <summary>The memory benchmark (<see cref="MemoryBenchmark"/>) in a process of its own, so its working set is the silo's; its report, or empty when it failed.</summary>
    private static async Task<string> MemoryInOwnProcessAsync(bool smoke)
    {
        // On every core, as a silo runs (this process is pinned to core 0, which a child would inherit).
        string[] memory = ["dotnet", typeof(LadderHost).Assembly.Location, "memory", .. smoke ? new[] { "--smoke" } : []];
        string[] command = LadderSystem.Pinned ? ["taskset", "-c", $"0-{Environment.ProcessorCount - 1}", .. memory] : memory;
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The memory benchmark did not start.");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            Console.WriteLine($"the memory benchmark failed (exit code {process.ExitCode}):{Environment.NewLine}{output}");
            return "";
        }

        // The report without the silo's log lines (a level and a category, then their indented message).
        var report = new StringBuilder();
        var inLog = false;
        foreach (var line in output.Split('\n'))
        {
            inLog = line.StartsWith("warn: ", StringComparison.Ordinal) || line.StartsWith("info: ", StringComparison.Ordinal) || line.StartsWith("fail: ", StringComparison.Ordinal)
                || (inLog && line.StartsWith("      ", StringComparison.Ordinal));
            if (!inLog)
            {
                report.Append(line).Append('\n');
            }
        }

        return report.ToString();
    }

    /// <summary>
    /// Warm-up, a closed loop of <see cref="Callers"/> callers for about <see cref="Plan.ClosedSeconds"/> (its count from the
    /// warm-up's rate) with each process's CPU time read before and after, then a fixed rate of half the closed loop's
    /// throughput for <see cref="Plan.FixedSeconds"/>, then one caller alone for <see cref="Plan.SerialCalls"/> calls (the
    /// chain of round trips with nothing queued: what the efficiency compares). <paramref name="fixedCalls"/> fixes the counts instead.
    /// </summary>
    private static async Task<Rung> MeasureAsync(LadderSystem system, Plan plan, RungSpec spec, Func<int, Task> op, (int Warmup, int Closed, int Fixed, int Serial)? fixedCalls = null)
    {
        var errors = new Errors();
        var counted = async (int i) =>
        {
            try
            {
                await op(i);
            }
            catch (Exception e) when (e is RpcException or RequestFailedException)
            {
                errors.Add(e);
            }
        };
        var warmup = await Measure.ClosedLoopAsync(counted, fixedCalls?.Warmup ?? plan.WarmupCalls, Callers);
        var closedCalls = fixedCalls?.Closed ?? Math.Max(100, (int)(warmup.Throughput * plan.ClosedSeconds));
        var idle = CpuTimes.Of(system.Processes);
        var idleFor = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(plan.IdleSeconds));
        var idlePerSecond = idle.PerSecondSince(idleFor.Elapsed);
        var cpu = CpuTimes.Of(system.Processes);
        var closed = await Measure.ClosedLoopAsync(counted, closedCalls, Callers);
        var perCall = cpu.PerCallSince(closedCalls);
        var rate = closed.Throughput / 2;
        var latencies = await Measure.FixedRateAsync(counted, rate, fixedCalls?.Fixed ?? Math.Max(20, (int)(rate * plan.FixedSeconds)));
        var serial = await Measure.ClosedLoopAsync(counted, fixedCalls?.Serial ?? plan.SerialCalls, 1);
        var rung = new Rung(
            spec.Id, spec.Op, spec.What, spec.Below, closed.Throughput, rate,
            Measure.Milliseconds(latencies, 50), Measure.Milliseconds(latencies, 99), Measure.Milliseconds(latencies, 99.9), serial.P50,
            errors.Count, errors.First, perCall, idlePerSecond, BenchMachine.LoadAverage().Split(' ')[0]);
        Console.WriteLine($"  {rung.Id,-6} {rung.Op,-11} {rung.Throughput,8:F0} calls/s  at {rate:F0}/s: p50 {rung.P50:F2} ms  p99 {rung.P99:F2} ms  p99.9 {rung.P999:F2} ms  one caller p50 {rung.SerialP50:F2} ms  errors {rung.Errors}  " +
            string.Join("  ", perCall.Select(c => $"{c.Key} {c.Value:F0} µs")) + "  (idle: " + string.Join(", ", idlePerSecond.Select(c => $"{c.Key} {c.Value:F1} ms/s")) + ")");
        return rung;
    }

    /// <summary>
    /// Traces the gateway and the silo (<c>dotnet-trace</c>, the repository's tool manifest) while the cached read runs in a
    /// closed loop for <see cref="ProfileDuration"/>, and summarises where each one's CPU went (<see cref="ProfileSummary"/>).
    /// </summary>
    private static async Task<string> ProfileAsync(LadderSystem system, Func<int, Task> read, double throughput, string output)
    {
        Console.WriteLine($"  profiling the gateway and the silo for {ProfileDuration.TotalSeconds:F0} s of cached reads");
        Directory.CreateDirectory(output);
        var traces = new Dictionary<string, ChildProcess>();
        foreach (var role in new[] { "gateway", "silo" })
        {
            traces[role] = ChildProcess.Start($"dotnet-trace {role}", "dotnet",
                ["dotnet-trace", "collect", "-p", $"{system.ProcessOf(role)}", "--profile", "dotnet-sampled-thread-time",
                 "--duration", ProfileDuration.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture), "-o", Path.Combine(output, $"{role}.nettrace")],
                workingDirectory: RepositoryRoot.Path);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        var calls = (int)(throughput * (ProfileDuration.TotalSeconds + 2));
        await Measure.ClosedLoopAsync(read, calls, Callers);
        var md = new StringBuilder($"{Environment.NewLine}## Profiles of the cached read (R read), {Callers} callers{Environment.NewLine}{Environment.NewLine}");
        foreach (var (role, trace) in traces)
        {
            await Poll.UntilAsync(() => Task.FromResult(trace.HasExited), TimeSpan.FromSeconds(120));
            var file = Path.Combine(output, $"{role}.nettrace");
            if (!File.Exists(file))
            {
                throw new InvalidOperationException($"dotnet-trace wrote no trace of the {role} (is the tool restored? `dotnet tool restore`). Its last lines:{Environment.NewLine}{trace.Tail()}");
            }

            // The trace covers its duration of the loop's calls.
            md.AppendLine(ProfileSummary.Summarise(file, role, (int)(throughput * ProfileDuration.TotalSeconds)));
            await trace.DisposeAsync();
        }

        return md.ToString();
    }

    /// <summary>The size of the largest row of the state table: the envelope a write of the ladder's record stores.</summary>
    private static async Task<int> LargestStateRowAsync(TableServiceClient tables)
    {
        var largest = 0;
        await foreach (var row in tables.GetTableClient(StateTable).QueryAsync<TableEntity>())
        {
            largest = Math.Max(largest, row.Sum(p => p.Value switch
            {
                string s => Encoding.UTF8.GetByteCount(s),
                byte[] b => b.Length,
                BinaryData d => d.ToMemory().Length,
                _ => 0,
            }));
        }

        return largest;
    }

    /// <summary>
    /// The raw round trips, into the tables the product wrote during the run, as large as they are by then (on Azurite a
    /// write's cost grows with its table): an entity per subject in a partition of its own of the state table in each
    /// region's account, and two-entity transactions in partitions of their own of the audit table.
    /// </summary>
    private sealed class RawTables(LadderSystem system, int bytes)
    {
        private readonly TableClient _own = system.Own.Tables.GetTableClient(StateTable);
        private readonly TableClient _pair = system.Pair.Tables.GetTableClient(StateTable);
        private readonly TableClient _audit = system.Own.Tables.GetTableClient(AuditTable);
        private readonly byte[] _data = RandomNumberGenerator.GetBytes(bytes);
        private long _appended;

        public async Task CreateAsync()
        {
            await _own.CreateIfNotExistsAsync();
            await _pair.CreateIfNotExistsAsync();
            await _audit.CreateIfNotExistsAsync();
            for (var i = 0; i < Subjects; i++)
            {
                await WriteAsync(i);
            }
        }

        public Task WriteAsync(int i) => _own.UpsertEntityAsync(Entity(i), TableUpdateMode.Replace);

        public Task PairWriteAsync(int i) => _pair.UpsertEntityAsync(Entity(i), TableUpdateMode.Replace);

        public Task ReadAsync(int i) => _own.GetEntityAsync<TableEntity>(RawPartition, $"{i % Subjects}");

        public Task AppendAsync(int i)
        {
            var partition = $"{RawPartition}-{i % 4}";
            var sequence = Interlocked.Increment(ref _appended);
            return _audit.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, $"segment-{sequence:D12}") { ["Data"] = _data }),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, "head") { ["Sequence"] = sequence }),
            ]);
        }

        private TableEntity Entity(int i) => new(RawPartition, $"{i % Subjects}") { ["Data"] = _data };
    }

    /// <summary>A rung before it is measured: its name, the call, what it is, and the rung it is compared with.</summary>
    private sealed record RungSpec(string Id, string Op, string What, string? Below);

    /// <summary>One rung measured.</summary>
    internal sealed record Rung(
        string Id, string Op, string What, string? Below, double Throughput, double FixedRate, double P50, double P99, double P999, double SerialP50,
        int Errors, string? FirstError, IReadOnlyDictionary<string, double> CpuPerCall, IReadOnlyDictionary<string, double> IdleCpuPerSecond, string Load)
    {
        public string Key => $"{Id} {Op}";
    }

    /// <summary>The crypto alone, per envelope, in µs.</summary>
    internal sealed record Crypto(double SealMicroseconds, double OpenMicroseconds);

    /// <summary>The errors of one rung: how many, and the first one's status and message (the calls carry no personal data).</summary>
    private sealed class Errors
    {
        private int _count;

        public int Count => _count;

        public string? First { get; private set; }

        public void Add(Exception e)
        {
            if (Interlocked.Increment(ref _count) == 1)
            {
                First = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message;
            }
        }
    }

    /// <summary>Each process's CPU time (user + system) at one moment.</summary>
    private sealed class CpuTimes
    {
        private readonly Dictionary<string, (Process Process, TimeSpan At)> _start = [];

        public static CpuTimes Of(IReadOnlyDictionary<string, int> processes)
        {
            var times = new CpuTimes();
            foreach (var (role, id) in processes)
            {
                var process = Process.GetProcessById(id);
                times._start[role] = (process, process.TotalProcessorTime);
            }

            return times;
        }

        /// <summary>CPU µs per call of each process since this snapshot, the three Azurites summed as <c>azurite</c>.</summary>
        public IReadOnlyDictionary<string, double> PerCallSince(int calls) => Since(1.0 / calls);

        /// <summary>CPU ms per second of each process since this snapshot, <paramref name="elapsed"/> ago, as <see cref="PerCallSince"/>.</summary>
        public IReadOnlyDictionary<string, double> PerSecondSince(TimeSpan elapsed) => Since(1e-3 / elapsed.TotalSeconds);

        private SortedDictionary<string, double> Since(double scale)
        {
            var perCall = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var (role, (process, at)) in _start)
            {
                process.Refresh();
                var name = role.StartsWith("azurite", StringComparison.Ordinal) ? "azurite" : role;
                perCall[name] = perCall.GetValueOrDefault(name) + (process.TotalProcessorTime - at).TotalMicroseconds * scale;
                process.Dispose();
            }

            return perCall;
        }
    }

    /// <summary>The ladder's figures, their ratios, floors, efficiencies and targets, as Markdown and as JSON.</summary>
    private sealed class Report
    {
        private readonly List<Rung> _rungs;
        private readonly Crypto _crypto;
        private readonly bool _smoke;
        private readonly string _loadAtStart;
        private readonly TimeSpan _elapsed;

        private Report(List<Rung> rungs, Crypto crypto, bool smoke, string loadAtStart, TimeSpan elapsed) =>
            (_rungs, _crypto, _smoke, _loadAtStart, _elapsed) = (rungs, crypto, smoke, loadAtStart, elapsed);

        public static Report Of(List<Rung> rungs, Crypto crypto, bool smoke, string loadAtStart, TimeSpan elapsed) => new(rungs, crypto, smoke, loadAtStart, elapsed);

        private Rung this[string key] => _rungs.First(r => r.Key == key);

        /// <summary>
        /// The floor of a rung's one-caller p50 in ms: the echo's plus the crypto and the raw round trips (each measured here,
        /// one caller alone) that the design needs for it, and what they are; null where the rung is itself a floor.
        /// </summary>
        private (double Milliseconds, string Parts)? Floor(Rung rung)
        {
            var echo = this["L3 echo"].SerialP50;
            var seal = _crypto.SealMicroseconds / 1000;
            var (write, pair, read, append) = (this["L6raw table write"].SerialP50, this["raw pair write"].SerialP50, this["raw point read"].SerialP50, this["raw append"].SerialP50);
            return rung.Key switch
            {
                "L4 read" or "L4 write" or "R- read" => (echo, "echo"),
                // A decision's record is stored in this region's trail and then in the pair's (one append each); a change's
                // decision is stored before it and its outcome after it.
                "L4a read" or "R read" => (echo + 2 * append, "echo + 2 appends (the decision, in both regions' trails)"),
                "L4a write" => (echo + 4 * append, "echo + 4 appends (decision and outcome, in both regions' trails)"),
                "L5 write" => (echo + seal, "echo + seal"),
                "L6 write" => (echo + seal + write, "echo + seal + write"),
                "L6r write" => (echo + seal + write + pair, "echo + seal + write + pair write"),
                "L7 write" => (echo + seal + write + pair + 4 * append, "echo + seal + write + pair write + 4 appends (decision and outcome, both trails)"),
                "R cold read" => (echo + 2 * read + 2 * append, "echo + key read + state read (both copies at once) + 2 appends"),
                _ => null,
            };
        }

        private static string Idle(Rung rung) =>
            string.Join(" · ", new[] { "gateway", "silo" }.Where(rung.IdleCpuPerSecond.ContainsKey).Select(k => $"{rung.IdleCpuPerSecond[k]:F1}"));

        private double? RatioToBelow(Rung rung) => rung.Below is { } below ? rung.Throughput / this[below].Throughput : null;

        private double? Efficiency(Rung rung) => Floor(rung) is { } floor ? floor.Milliseconds / rung.SerialP50 : null;

        public string Json() => JsonSerializer.Serialize(new
        {
            machine = Machine(),
            smoke = _smoke,
            crypto = new { seal_us = _crypto.SealMicroseconds, open_us = _crypto.OpenMicroseconds },
            rungs = _rungs.Select(r => new
            {
                rung = r.Id,
                op = r.Op,
                description = r.What,
                throughput = Round(r.Throughput),
                fixed_rate = Round(r.FixedRate),
                p50_ms = Round(r.P50),
                p99_ms = Round(r.P99),
                p999_ms = Round(r.P999),
                one_caller_p50_ms = Round(r.SerialP50),
                errors = r.Errors,
                first_error = r.FirstError,
                cpu_us_per_call = r.CpuPerCall.ToDictionary(c => c.Key, c => Round(c.Value)),
                idle_cpu_ms_per_s = r.IdleCpuPerSecond.ToDictionary(c => c.Key, c => Round(c.Value)),
                below = r.Below,
                ratio_to_below = RatioToBelow(r) is { } ratio ? Round(ratio) : (double?)null,
                floor_ms = Floor(r)?.Milliseconds is { } floor ? Round(floor) : (double?)null,
                floor = Floor(r)?.Parts,
                efficiency = Efficiency(r) is { } efficiency ? Round(efficiency) : (double?)null,
                load = r.Load,
            }),
            targets = Targets().Select(t => new { target = t.Name, measured = Round(t.Measured), goal = t.Goal, met = t.Met }),
        }, new JsonSerializerOptions { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull });

        public string Markdown()
        {
            var md = new StringBuilder();
            md.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark ladder{(_smoke ? " (smoke run: figures not meaningful)" : "")}");
            md.AppendLine();
            foreach (var line in Machine())
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
            }

            md.AppendLine();
            md.AppendLine("| rung | call | calls/s | ratio to below | p50 ms | p99 ms | p99.9 ms | one caller p50 ms | errors | CPU µs/call: load · gateway · silo · Azurite (· echo) | idle CPU ms/s: gateway · silo | floor ms | efficiency |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in _rungs)
            {
                var cpu = string.Join(" · ", new[] { "load", "gateway", "silo", "azurite", "echo" }.Where(r.CpuPerCall.ContainsKey).Select(k => $"{r.CpuPerCall[k]:F0}"));
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Id} | {r.Op} | {r.Throughput:F0} | {(RatioToBelow(r) is { } ratio ? $"{ratio:F2} ({r.Below})" : "")} | {r.P50:F2} | {r.P99:F2} | {r.P999:F2} | {r.SerialP50:F2} | {r.Errors} | {cpu} | {Idle(r)} | " +
                    $"{(Floor(r) is { } floor ? $"{floor.Milliseconds:F2}" : "")} | {(Efficiency(r) is { } efficiency ? $"{efficiency:F2}" : "")} |");
            }

            md.AppendLine();
            md.AppendLine("What each rung is:");
            md.AppendLine();
            foreach (var r in _rungs)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- **{r.Id} {r.Op}**: {r.What}{(Floor(r) is { } floor ? $"; floor = {floor.Parts}" : "")} (load average {r.Load} after it)");
            }

            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Crypto alone, one thread: the envelope's seal (EnvelopeCipher.Seal, AES-256-GCM with its associated data) {_crypto.SealMicroseconds:F2} µs, open {_crypto.OpenMicroseconds:F2} µs, for as many bytes as the largest state row.");
            md.AppendLine();
            md.AppendLine("| target | measured | goal | met |");
            md.AppendLine("|---|---|---|---|");
            foreach (var t in Targets())
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Name} | {t.Measured:F2} | {t.Goal} | {(t.Met ? "yes" : "**no**")} |");
            }

            return md.ToString();
        }

        private IEnumerable<(string Name, double Measured, string Goal, bool Met)> Targets()
        {
            var (echo, read, readOff) = (this["L3 echo"], this["R read"], this["R- read"]);
            var (memory, memoryAudited, append) = (this["L4 read"], this["L4a read"], this["raw append"]);
            var write = this["L7 write"];
            yield return ("cached audited read ÷ echo, throughput", read.Throughput / echo.Throughput, "≥ 0.30", read.Throughput / echo.Throughput >= 0.30);
            yield return ("cached audited read p99 ÷ echo p99, at half of each one's peak", read.P99 / echo.P99, "≤ 3", read.P99 / echo.P99 <= 3);
            yield return ("audited ÷ unaudited read throughput, in-memory storage (L4a ÷ L4)", memoryAudited.Throughput / memory.Throughput, "≥ 0.85", memoryAudited.Throughput / memory.Throughput >= 0.85);
            yield return ("audited ÷ unaudited read throughput, the product (R ÷ R-)", read.Throughput / readOff.Throughput, "≥ 0.85", read.Throughput / readOff.Throughput >= 0.85);
            var added = memoryAudited.P50 - memory.P50;
            yield return ("audited − unaudited read p50 at half of peak (L4a − L4), ms, against one raw append's one-caller p50", added, $"≤ {append.SerialP50:F2}", added <= append.SerialP50);
            var addedAlone = memoryAudited.SerialP50 - memory.SerialP50;
            yield return ("the same, one caller alone (L4a − L4), ms", addedAlone, $"≤ {append.SerialP50:F2}", addedAlone <= append.SerialP50);
            yield return ("full write path efficiency (L7)", Efficiency(write) ?? 0, "≥ 0.8", Efficiency(write) >= 0.8);
            var sut = write.CpuPerCall.Where(c => c.Key is "gateway" or "silo" or "azurite").Sum(c => c.Value);
            yield return ("encryption's share of the full write's CPU (seal ÷ gateway + silo + Azurite µs)", _crypto.SealMicroseconds / sut, "≤ 0.10", _crypto.SealMicroseconds / sut <= 0.10);
        }

        private string[] Machine()
        {
            var orleans = typeof(Grain).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split(' ', '+')[0].TrimEnd('.');
            return
            [
                $"machine: {Environment.ProcessorCount} cores ({BenchMachine.CpuModel()}), {RuntimeInformation.OSDescription}; load average {_loadAtStart} at the start, {BenchMachine.LoadAverage()} at the end; run time {_elapsed.TotalSeconds:F0} s",
                $"runtime: {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC in the load generator, Release, Orleans {orleans}, Azurite {BenchMachine.AzuriteVersion()} on node {BenchMachine.NodeVersion()} (in memory), telemetry export off",
                LadderSystem.Pinned
                    ? $"cores: the load generator and the three Azurites (standing in for a storage service elsewhere) share core 0; the gateway, the silo and the echo server share core(s) {LadderSystem.SystemCores} (taskset)"
                    : "cores: not pinned (one core, or no taskset): the load generator and every process under test share every core",
                $"processes: gateway, silo, echo server and each Azurite are processes of their own; CPU µs per call is each one's user + system time over the closed loop ÷ its calls (the three Azurites summed), background work included; idle CPU is what each used per second in the {(_smoke ? Plan.Smoke : Plan.Full).IdleSeconds} s before, with no calls",
                $"load: {Callers} callers in a closed loop for ~{(_smoke ? Plan.Smoke : Plan.Full).ClosedSeconds} s per rung (after a warm-up), then a fixed rate of half its throughput for ~{(_smoke ? Plan.Smoke : Plan.Full).FixedSeconds} s, latencies from when each call was due (HdrHistogram); {Subjects} subjects, one record of ~{NoteBytes + 40} B each",
                "calls: reads are Subjects.GetRecord by a staff member under a grant (JWT validated, grant from the gateway's cache, purpose checked), writes Subjects.PutRecord by the tenant's app; one token per client for the run",
            ];
        }

        private static double Round(double value) => Math.Round(value, 3);
    }
}
