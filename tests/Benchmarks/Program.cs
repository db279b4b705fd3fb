using Custodian.Benchmarks;

// `storage` (default): encrypted vs plain grain storage on the same Azurite, variants alternated in
// rounds; the crypto alone; the rewrap rate of a KEK rotation. `access`: the gateway's read path with
// the grant check vs the tenant-only check. Ratios within one run matter, not absolute figures.
if (args.FirstOrDefault() == "access")
{
    await AccessBenchmark.RunAsync();
}
else
{
    await StorageBenchmark.RunAsync();
}

return 0;
