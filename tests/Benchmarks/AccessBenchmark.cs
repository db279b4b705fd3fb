using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Subjects;
using Google.Protobuf.WellKnownTypes;
using AccessClient = Custodian.Gateway.Protos.Access.Access.AccessClient;
using SubjectsClient = Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient;

namespace Custodian.Benchmarks;

/// <summary>
/// The gateway's read path with the grant check (a staff principal allowed by a grant, from the
/// gateway's grant cache) against the same path with the tenant check (the tenant's app; only its
/// suspension comes from the cache), in one run, rounds alternated; both over real TLS with real JWTs.
/// </summary>
internal static class AccessBenchmark
{
    private const int Rounds = 5;
    private const int Concurrency = 16;
    private const int ReadsPerRound = 3_000;

    public static async Task RunAsync()
    {
        await using var cluster = await BenchCluster.StartAsync();
        var channel = await cluster.StartGatewayAsync();

        var app = new SubjectsClient(channel("bench-app", "acme", "app"));
        for (var i = 0; i < 100; i++)
        {
            await app.PutRecordAsync(new PutRecordRequest
            {
                TenantId = "acme",
                SubjectId = $"s{i}",
                Record = new Record { Category = "contact", Purpose = "bench", LegalBasis = LegalBasis.Contract, Fields = { ["email"] = $"s{i}@example.org" } },
            });
        }

        await new AccessClient(channel("officer-bench", null, "officer")).IssueGrantAsync(new IssueGrantRequest
        {
            Principal = "staff-bench",
            Scope = new GrantScope { TenantId = "acme" },
            Operations = { Operation.Read },
            Purpose = "benchmark",
            Justification = "benchmark",
            Cidrs = { "127.0.0.0/8" },
            ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(2)),
        });
        var staff = new SubjectsClient(channel("staff-bench", null, "staff"));

        Func<int, Task> Read(SubjectsClient client) => i => client.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = "acme", SubjectId = $"s{i % 100}", Category = "contact" }).ResponseAsync;
        await Measure.ClosedLoopAsync(Read(app), 500, Concurrency);
        await Measure.ClosedLoopAsync(Read(staff), 500, Concurrency);
        var tenantOnly = new List<Measure.Result>();
        var withGrant = new List<Measure.Result>();
        for (var round = 0; round < Rounds; round++)
        {
            tenantOnly.Add(await Measure.ClosedLoopAsync(Read(app), ReadsPerRound, Concurrency));
            withGrant.Add(await Measure.ClosedLoopAsync(Read(staff), ReadsPerRound, Concurrency));
        }

        Console.WriteLine();
        Console.WriteLine($"Access decision on the gateway read path — {Environment.ProcessorCount} cores, {Concurrency} callers, {ReadsPerRound} reads per variant per round, {Rounds} rounds (alternating), TLS + JWT");
        Measure.Print("tenant-only check", tenantOnly);
        Measure.Print("grant check", withGrant);
        var ratio = Measure.Median(withGrant).Throughput / Measure.Median(tenantOnly).Throughput;
        Console.WriteLine($"grant check / tenant-only throughput {ratio:F3}: the grant check costs {100 * (1 - ratio):F1}% of read throughput");
    }
}
