using System.Collections.Concurrent;
using System.Diagnostics;
using Custodian.Client;
using Custodian.Gateway.Protos.Regions;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using Xunit.Abstractions;

namespace Custodian.Tests.Regions;

/// <summary>
/// The failover drill, Jepsen-style, on two regions of child processes. Four clients of the typed client
/// library, each knowing both gateways (two preferring each), write distinct values to their own subjects of
/// two tenants, one written in each region. Mid-run eu-west — the writer of one tenant and of the provider's own
/// data — is killed: its silo and gateway with SIGKILL, its Azurite stopped. eu-north takes both over by itself.
/// Afterwards every subject is read back through the surviving gateway and checked against each client's own
/// history: the last acknowledged value, or a later write whose outcome the client could not know. Then eu-west
/// comes back, the officer fails its tenants back, and every value reads the same through eu-west's gateway.
/// </summary>
public sealed class FailoverDrillTests(TwoRegionPlatform platform, ITestOutputHelper output) : IClassFixture<TwoRegionPlatform>
{
    private const int Clients = 4;
    private const int SubjectsPerClient = 20;
    private static readonly TimeSpan KillAfter = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan RunAfterRecovery = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(90);
    private string _shredded = "";

    [Fact]
    public async Task AKilledRegionsTenantsMoveWithinAMinuteAndNoAcknowledgedWriteIsLost()
    {
        var west = platform.Region(TwoRegionPlatform.West);
        var north = platform.Region(TwoRegionPlatform.North);
        var run = Stopwatch.StartNew();
        var killedAt = TimeSpan.MaxValue;
        TimeSpan? recoveredAt = null;
        using var stop = new CancellationTokenSource();
        var histories = new ConcurrentDictionary<(string Tenant, string Subject), List<Write>>();
        var outages = new TimeSpan[Clients];

        async Task ClientAsync(int c)
        {
            var tenant = c < Clients / 2 ? TwoRegionPlatform.WestTenant : TwoRegionPlatform.NorthTenant;
            var first = c % 2 == 0 ? west : north;
            var second = c % 2 == 0 ? north : west;
            var token = first.Gateway.Token(tenant, "app");
            var options = new CustodianClientOptions
            {
                AccessToken = _ => ValueTask.FromResult(token),
                TrustedCertificate = platform.GatewayCertificate,
                Timeout = TimeSpan.FromSeconds(5),
                ConnectTimeout = TimeSpan.FromSeconds(2),
                MaxAttemptsPerGateway = 2,
            };
            options.Endpoints.Add(new Uri(first.Gateway.Endpoint));
            options.Endpoints.Add(new Uri(second.Gateway.Endpoint));
            using var client = CustodianClient.Create(options);
            var lastAck = run.Elapsed;
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var subject = $"c{c}-s{n % SubjectsPerClient}";
                var value = $"c{c}-v{n}@example.org";
                var history = histories.GetOrAdd((tenant, subject), _ => []);
                var started = run.Elapsed;
                Outcome outcome;
                try
                {
                    await client.PutRecordAsync(tenant, subject, SampleRecords.Contact(value));
                    outcome = Outcome.Acknowledged;
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.PermissionDenied or StatusCode.Unauthenticated)
                {
                    outcome = Outcome.Failed; // refused before anything was written
                }
                catch (RpcException)
                {
                    outcome = Outcome.Indeterminate; // UNAVAILABLE, a deadline, a cut connection: it may or may not have been applied
                }

                lock (history)
                {
                    history.Add(new Write(value, outcome));
                }

                var now = run.Elapsed;
                if (outcome == Outcome.Acknowledged)
                {
                    outages[c] = Max(outages[c], now - lastAck);
                    lastAck = now;
                    if (tenant == TwoRegionPlatform.WestTenant && started > killedAt && recoveredAt is null)
                    {
                        recoveredAt = now;
                    }
                }
                else
                {
                    await Task.Delay(100);
                }
            }
        }

        var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(() => ClientAsync(c))).ToArray();
        await Task.Delay(KillAfter);

        // A subject of eu-west's tenant is shredded just before the kill (acknowledged: durable in both regions).
        _shredded = Platform.NewId("shred");
        var westApp = west.Gateway.Subjects(TwoRegionPlatform.WestTenant);
        await westApp.PutRecordAsync(new Custodian.Gateway.Protos.Subjects.PutRecordRequest { TenantId = TwoRegionPlatform.WestTenant, SubjectId = _shredded, Record = SampleRecords.Contact("shredded@example.org") });
        await westApp.EraseAsync(new Custodian.Gateway.Protos.Subjects.EraseRequest { TenantId = TwoRegionPlatform.WestTenant, SubjectId = _shredded, Reason = "request REQ-9" });
        await platform.KillRegionAsync(TwoRegionPlatform.West);
        killedAt = run.Elapsed; // its silo and gateway are dead: no write started from now on can be acknowledged by eu-west
        output.WriteLine($"eu-west killed at {killedAt.TotalSeconds:F1} s");
        while (run.Elapsed < killedAt + GiveUpAfter && (recoveredAt is not { } back || run.Elapsed < back + RunAfterRecovery))
        {
            await Task.Delay(250);
        }

        await stop.CancelAsync();
        await Task.WhenAll(clients);

        // Read every subject back through the surviving gateway, and judge it against its writer's history.
        var reader = new Dictionary<string, Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient>
        {
            [TwoRegionPlatform.WestTenant] = north.Gateway.Subjects(TwoRegionPlatform.WestTenant),
            [TwoRegionPlatform.NorthTenant] = north.Gateway.Subjects(TwoRegionPlatform.NorthTenant),
        };
        var verdict = await Poll.UntilAsync(() => JudgeAsync(histories, reader), TimeSpan.FromSeconds(30), e => e is RpcException { StatusCode: StatusCode.Unavailable });
        var writes = histories.Values.SelectMany(h => h).ToList();
        var rto = recoveredAt is { } r ? r - killedAt : (TimeSpan?)null;
        output.WriteLine($"writes acknowledged {writes.Count(w => w.Outcome == Outcome.Acknowledged)}, failed {writes.Count(w => w.Outcome == Outcome.Failed)}, indeterminate {writes.Count(w => w.Outcome == Outcome.Indeterminate)}");
        output.WriteLine($"subjects {histories.Count}: found {verdict.Found}, lost {verdict.Lost}, unexpected {verdict.Unexpected}");
        output.WriteLine($"RTO (kill to the first acknowledged write of {TwoRegionPlatform.WestTenant}): {(rto is { } t ? $"{t.TotalSeconds:F1} s" : "none")}");
        output.WriteLine($"longest write outage per client: {string.Join(", ", outages.Select((o, c) => $"c{c} {o.TotalSeconds:F1} s"))}");
        foreach (var problem in verdict.Problems.Take(10))
        {
            output.WriteLine(problem);
        }

        Assert.Equal(0, verdict.Lost);
        Assert.Equal(0, verdict.Unexpected);
        Assert.NotNull((await ReadShreddedAsync(north)).Erasure);
        Assert.NotNull(rto);
        Assert.True(rto < TimeSpan.FromSeconds(60), $"RTO {rto}");
        Assert.True(writes.Count(w => w.Outcome == Outcome.Acknowledged) > 50, "the drill wrote too little to mean anything");

        // eu-west comes back; the officer fails its tenant (and the provider's own data) back through any gateway.
        await platform.StartRegionAsync(TwoRegionPlatform.West);
        var officer = north.Gateway.Regions("officer");
        foreach (var tenant in new[] { TwoRegionPlatform.WestTenant, "provider" })
        {
            var back = await Poll.UntilAsync(
                async () => await officer.FailbackAsync(new FailbackRequest { TenantId = tenant, Reason = "drill over: eu-west is back" }),
                TimeSpan.FromSeconds(60), e => e is RpcException { StatusCode: StatusCode.FailedPrecondition or StatusCode.Unavailable });
            output.WriteLine($"failed back {tenant}: {back.From} -> {back.To} at epoch {back.Epoch}: {back.Copies}");
            Assert.Equal((TwoRegionPlatform.North, TwoRegionPlatform.West), (back.From, back.To));
        }

        var afterFailback = await Poll.UntilAsync(
            () => JudgeAsync(histories, new Dictionary<string, Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient>
            {
                [TwoRegionPlatform.WestTenant] = west.Gateway.Subjects(TwoRegionPlatform.WestTenant),
                [TwoRegionPlatform.NorthTenant] = west.Gateway.Subjects(TwoRegionPlatform.NorthTenant),
            }),
            TimeSpan.FromSeconds(30), e => e is RpcException { StatusCode: StatusCode.Unavailable });
        output.WriteLine($"after failback, through eu-west: found {afterFailback.Found}, lost {afterFailback.Lost}, unexpected {afterFailback.Unexpected}");
        Assert.Equal((0, 0), (afterFailback.Lost, afterFailback.Unexpected));
        Assert.NotNull((await ReadShreddedAsync(west)).Erasure);
        Assert.Equal(verdict.Values, afterFailback.Values);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private Task<Custodian.Gateway.Protos.Subjects.GetRecordResponse> ReadShreddedAsync(PlatformRegion region) =>
        region.Gateway.Subjects(TwoRegionPlatform.WestTenant).GetRecordAsync(new Custodian.Gateway.Protos.Subjects.GetRecordRequest
        {
            TenantId = TwoRegionPlatform.WestTenant, SubjectId = _shredded, Category = "contact", Purpose = "support",
        }).ResponseAsync;

    /// <summary>
    /// Reads each subject and checks it: the value of its last acknowledged write, or of a later write whose outcome is
    /// unknown (found); an earlier value, or none, while a write was acknowledged (lost); a value never written (unexpected).
    /// </summary>
    private static async Task<Verdict> JudgeAsync(
        ConcurrentDictionary<(string Tenant, string Subject), List<Write>> histories,
        Dictionary<string, Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient> readers)
    {
        int found = 0, lost = 0, unexpected = 0;
        var problems = new List<string>();
        var values = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var ((tenant, subject), history) in histories)
        {
            string? read;
            try
            {
                var response = await readers[tenant].GetRecordAsync(new Custodian.Gateway.Protos.Subjects.GetRecordRequest
                {
                    TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = "support",
                });
                read = response.Record?.Fields["email"];
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                read = null;
            }

            values[$"{tenant}/{subject}"] = read;
            var last = history.FindLastIndex(w => w.Outcome == Outcome.Acknowledged);
            var acceptable = history.Skip(last + 1).Where(w => w.Outcome == Outcome.Indeterminate).Select(w => (string?)w.Value).ToHashSet();
            if (last >= 0)
            {
                acceptable.Add(history[last].Value);
            }
            else
            {
                acceptable.Add(null); // nothing acknowledged: nothing at all is fine too
            }

            if (acceptable.Contains(read))
            {
                found++;
            }
            else if (read is not null && history.All(w => w.Value != read))
            {
                unexpected++;
                problems.Add($"{tenant}/{subject}: read a value never written");
            }
            else
            {
                lost++;
                problems.Add($"{tenant}/{subject}: read {(read is null ? "nothing" : "an older value")} after {history.Count} writes, the last acknowledged being #{last + 1}");
            }
        }

        return new Verdict(found, lost, unexpected, problems, values);
    }

    private enum Outcome
    {
        Acknowledged,
        Failed,
        Indeterminate,
    }

    private sealed record Write(string Value, Outcome Outcome);

    private sealed record Verdict(int Found, int Lost, int Unexpected, List<string> Problems, SortedDictionary<string, string?> Values);
}
