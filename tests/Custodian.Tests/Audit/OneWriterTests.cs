using System.Net;
using System.Text.Json;
using Custodian.Audit;
using Custodian.Exports;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Security;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Silo;
using Custodian.Tests.Subjects;

namespace Custodian.Tests.Audit;

/// <summary>A platform of its own: these tests read every entry of its trail.</summary>
public sealed class OneWriterPlatform : Platform;

/// <summary>The gateway, the grains, the silo's start-up and the dashboard login write through one writer, by one partitioning rule.</summary>
public sealed class OneWriterTests(OneWriterPlatform platform) : IClassFixture<OneWriterPlatform>
{
    [Fact]
    public async Task EveryWriterOfTheTrailPutsAnActorsEntriesInTheActorsPartition()
    {
        // Arrange: entries from each writer: the silo's and the gateway's start, a client application's
        // call, a security alert raised by a grain, and a dashboard login
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..8];
        await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("s1@example.org") });
        await platform.SiloGrains.GetGrain<ISecurityAlertsGrain>(Platform.Region).RaiseAsync(SecurityRuleNames.OffHours, "test-nobody", DateTimeOffset.UtcNow, "a drill");
        using var admin = DashboardLogins.Client(platform);
        var login = await DashboardLogins.LoginAsync(admin, platform.DashboardToken("test-operator", "operator"));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        // Act
        var entries = await Poll.UntilAsync(async () =>
        {
            var all = await platform.Trail.ReadAllAsync(AuditQuery.All);
            return all.Any(e => e.Entry.Record.Action == "Configuration:Start" && e.Entry.Record.Actor.StartsWith("custodian:gateway/", StringComparison.Ordinal))
                ? all : throw new InvalidOperationException("the gateway's start is not in the trail yet");
        }, TimeSpan.FromSeconds(30));

        // Assert: one rule places every entry (the trail is quiet, so no write spilled to another partition)
        var actions = entries.Select(e => e.Entry.Record.Action).ToHashSet();
        Assert.Contains("Configuration:Start", actions);
        Assert.Contains("Alert:" + SecurityRuleNames.OffHours, actions);
        Assert.Contains("DashboardLogin", actions);
        Assert.Contains(entries, e => e.Entry.Record.Actor.StartsWith("custodian:silo/", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Entry.Record.Action.EndsWith("/PutRecord", StringComparison.Ordinal));
        Assert.All(entries, e => Assert.Equal(AuditPartitions.Name(Platform.Region, AuditPartitions.Of(e.Entry.Record.Actor, platform.Trail.Partitions)), e.Partition));
        // The alert's actor and the operator hash to partitions 3 and 0, so more than one partition is in play.
        Assert.True(entries.Select(e => e.Partition).Distinct().Count() > 1, "every entry is in one partition: the rule is not exercised");
        Assert.All(await platform.Trail.VerifyAsync(), v => Assert.True(v.Intact, v.Reason));
    }

    [Fact]
    public async Task TheExportIsATypeThatReadsBackAsWritten()
    {
        // Arrange
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..8];
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("s1@example.org") });

        // Act
        var response = await app.ExportAsync(new ExportRequest { TenantId = tenant, SubjectId = "s1" });
        var document = JsonSerializer.Deserialize(response.Json.Span, ExportJson.Default.SubjectExportDocument)!;

        // Assert: the typed document carries the record, the Art. 15 information and the access log, this export included
        Assert.Equal(SubjectExportDocument.Version, document.Format);
        Assert.Equal((tenant, "s1"), (document.TenantId, document.SubjectId));
        var record = Assert.Single(document.Records!.Value);
        Assert.Equal("contact", record.Category);
        Assert.Equal("s1@example.org", record.Fields["email"]);
        Assert.Equal("contact", Assert.Single(document.Information!.Categories));
        Assert.Equal(response.AccessLogEntries, document.AccessLog!.Value.Length);
        Assert.Contains(document.AccessLog.Value, e => e.Action.EndsWith("/Export", StringComparison.Ordinal));
        Assert.Null(document.Erasure);
    }
}
