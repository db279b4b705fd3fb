using System.Collections.Concurrent;
using Custodian.Audit;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Hosting;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Grpc.Core;
using Xunit.Abstractions;

namespace Custodian.Tests.Audit;

/// <summary>A platform whose audit trail sits in its own account, reached through a proxy the tests can cut.</summary>
public sealed class AuditOutagePlatform : Platform
{
    public FaultProxy AuditLink { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings()
    {
        AuditLink.TargetPort = Azurite.TablePort;
        return [new("ConnectionStrings:Audit", Azurite.ConnectionStringWithTablePort(AuditLink.Port))];
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await AuditLink.DisposeAsync();
    }
}

public sealed class AuditOutageTests(AuditOutagePlatform platform, ITestOutputHelper output) : IClassFixture<AuditOutagePlatform>
{
    private const string PutRecord = "Write:/custodian.subjects.v1.Subjects/PutRecord";

    [Fact]
    public async Task WhenTheAuditStoreGoesAwayMidLoadEveryWriteInTheOutageFailsAndNoChangeExistsWithoutItsEntry()
    {
        // Arrange: four writers creating new subjects as fast as they can
        var tenant = Platform.NewId("acme");
        var client = platform.Subjects(tenant);
        var calls = new ConcurrentBag<(string Subject, DateTimeOffset Start, DateTimeOffset End, StatusCode Status)>();
        using var stop = new CancellationTokenSource();
        var next = 0;
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var subject = $"s{Interlocked.Increment(ref next)}";
                var start = DateTimeOffset.UtcNow;
                StatusCode status;
                try
                {
                    await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact($"{subject}@outage.example.org") });
                    status = StatusCode.OK;
                }
                catch (RpcException e)
                {
                    status = e.StatusCode;
                }

                calls.Add((subject, start, DateTimeOffset.UtcNow, status));
            }
        })).ToList();

        // Act: cut the audit store's link for three seconds in the middle of the load
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var cutAt = DateTimeOffset.UtcNow;
        platform.AuditLink.Cut();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var restoredAt = DateTimeOffset.UtcNow;
        platform.AuditLink.Restore();
        await Poll.UntilAsync(() => calls.Any(c => c.Start > restoredAt && c.Status == StatusCode.OK) ? Task.FromResult(true) : throw new InvalidOperationException("no write has succeeded since"), TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        // Assert: every call that started after the cut and returned before the link came back failed
        // (a call already past its audit write when the cut came may still complete)...
        var during = calls.Where(c => c.Start >= cutAt && c.End <= restoredAt).ToList();
        var before = calls.Count(c => c.End < cutAt && c.Status == StatusCode.OK);
        var after = calls.Count(c => c.Start > restoredAt && c.Status == StatusCode.OK);
        output.WriteLine($"{calls.Count} writes: {before} succeeded before the cut, {during.Count} started and returned inside the 3 s outage, {after} succeeded after it");
        output.WriteLine("inside the outage: " + string.Join(", ", during.GroupBy(c => c.Status).Select(g => $"{g.Count()} {g.Key}")));
        Assert.NotEmpty(during);
        Assert.All(during, c => Assert.Equal(StatusCode.Unavailable, c.Status));
        Assert.True(before > 0 && after > 0);

        // ...and every subject that exists, whichever call created it, has the decision that allowed it in the trail.
        var keys = AuditKeys.Load(new AuditOptions { KeyFile = Path.Combine(platform.SecretsFolder, "audit.key") });
        var allowed = (await platform.AuditEntriesAsync(new AuditQuery(Action: PutRecord, From: cutAt.AddMinutes(-5))))
            .Where(e => e.Record.Outcome == "allowed").Select(e => e.Record.Target).ToHashSet();
        Assert.All(await platform.Trail.VerifyAsync(), verification => Assert.True(verification.Intact, verification.Reason));

        var stored = new List<string>();
        foreach (var (subject, _, _, _) in calls)
        {
            if ((await platform.SiloGrains.GetGrain<IDataSubjectGrain>(new SubjectRef(tenant, subject).GrainKey).GetRecordAsync("contact", "")).Record is not null)
            {
                stored.Add(subject);
            }
        }

        var unaudited = stored.Where(s => !allowed.Contains(keys.Subject(tenant, s))).ToList();
        output.WriteLine($"{stored.Count} subjects stored, {unaudited.Count} without their decision in the trail; {calls.Count(c => c.Status != StatusCode.OK)} writes failed");
        Assert.Empty(unaudited);
        Assert.All(calls.Where(c => c.Status == StatusCode.OK), c => Assert.Contains(c.Subject, stored));
    }
}
