using Custodian.Benchmarks;

// `storage` (default): 1 KiB writes and reads through the replicated `secure` storage (own + pair region's
// Azurite), the same encryption over the own region's table only, and a plain Azure Table storage, plus raw
// table round trips to the pair and the own Azurite, variants alternated in rounds; the replicated write p50
// against single-region p50 + one raw round trip (goal <= 1.2) and against its floor; the crypto alone; the
// rewrap rate of a KEK rotation; the backlog's drain rate after the pair was cut. `access`: the gateway's read path with
// the grant check vs the tenant-only check. `audit [--in-memory-azurite] [--storage-own-core]`: the read path audited vs unaudited.
// `export [--in-memory-azurite]`: one subject's export with a trail of 10k vs 100k other subjects' entries. `forward [--in-memory-azurite]`:
// the same reads and writes through one gateway, served by its own region vs forwarded to the other, against a bare TLS gRPC
// echo. `integrity`: cold activations, cached reads, storage reads and writes of the `secure` chain with and without the
// activation's comparison with the pair's copy. `memory [--smoke]`: the silo's working set and GC heap with 10k and 100k
// activated DataSubject grains of 1 KiB each (smoke: 500 and 2,000), and what an activation costs. `ladder [--smoke]
// [--profile] [--out <folder>]`: every rung of a call from a bare echo to the audited replicated write and the cached and
// cold reads, each part of the system a process of its own (see LadderBenchmark), then `memory` in a process of its own;
// `ladder-host` is how the ladder starts those processes; `audit-probe`: one audit record's append through each layer; `profile-summary <file.nettrace> <calls>` summarises a trace.
// Ratios within one run matter, not absolute figures.
switch (args.FirstOrDefault())
{
    case "ladder":
        var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine(Custodian.Tests.Infrastructure.RepositoryRoot.Path, "artifacts", "benchmarks");
        return await LadderBenchmark.RunAsync(args.Contains("--smoke"), args.Contains("--profile"), output);
    case "audit-probe":
        await AuditProbe.RunAsync();
        break;
    case "profile-summary":
        Console.WriteLine(ProfileSummary.Summarise(args[1], Path.GetFileNameWithoutExtension(args[1]), int.Parse(args[2]), callersOf: args.ElementAtOrDefault(3)));
        break;
    case "ladder-host":
        return await LadderHost.RunAsync(args[1], args[2]);
    case "access":
        await AccessBenchmark.RunAsync();
        break;
    case "audit-soak":
        await AuditBenchmark.SoakAsync(audited: !args.Contains("--unaudited"), seconds: 40);
        break;
    case "forward":
        await ForwardBenchmark.RunAsync(args.Contains("--in-memory-azurite"));
        break;
    case "export":
        await ExportBenchmark.RunAsync(args.Contains("--in-memory-azurite"));
        break;
    case "integrity":
        await StorageBenchmark.RunAsync(integrity: true);
        break;
    case "memory":
        Console.Write((await MemoryBenchmark.RunAsync(args.Contains("--smoke"))).ToMarkdown());
        break;
    case "audit":
        await AuditBenchmark.RunAsync(args.Contains("--in-memory-azurite"), args.Contains("--storage-own-core"));
        break;
    default:
        await StorageBenchmark.RunAsync();
        break;
}

return 0;
