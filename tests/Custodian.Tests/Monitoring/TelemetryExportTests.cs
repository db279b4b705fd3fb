using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Google.Protobuf.WellKnownTypes;
using Xunit.Abstractions;

namespace Custodian.Tests.Monitoring;

public sealed class TelemetryExportTests(TelemetryPlatform platform, ITestOutputHelper output) : IClassFixture<TelemetryPlatform>
{
    private const string Metrics = "/v1/metrics";
    private const string Traces = "/v1/traces";
    private const string Logs = "/v1/logs";
    private const string GetRecordPath = "/custodian.subjects.v1.Subjects/GetRecord";

    [Fact]
    public async Task MetricsAndTracesOfACallReachTheOtlpEndpointWithoutItsSubjectId()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        var email = $"otlp.{Guid.NewGuid():N}@example.org";
        var client = platform.Subjects(tenant);

        // Act
        await client.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact(email) });
        await client.GetRecordAsync(new GetRecordRequest { Purpose = "support", TenantId = tenant, SubjectId = subject, Category = "contact" });

        // Assert: request rate and latency, Custodian's and Orleans' meters, from both services; the gateway's
        // span of the gRPC call and the grain call it made share one trace (Orleans activity propagation).
        string[] metrics = ["custodian-silo", "custodian-gateway", "http.server.request.duration", "custodian.access.decisions", "Microsoft.Orleans", "Custodian.Storage"];
        var (server, grain) = await Poll.UntilAsync(
            () =>
            {
                var missing = metrics.Where(m => !platform.Otlp.Received(Metrics, m)).ToList();
                var spans = platform.Otlp.Bodies(Traces).SelectMany(OtlpMessages.Spans).ToList();
                var server = spans.FirstOrDefault(s => s.Scope == "Microsoft.AspNetCore" && s.Name.Contains(GetRecordPath, StringComparison.Ordinal)
                    && spans.Any(g => g.TraceId == s.TraceId && g.Scope == "Microsoft.Orleans.Application" && g.Name.Contains("GetRecord", StringComparison.Ordinal)));
                return missing.Count == 0 && server is not null
                    ? Task.FromResult((server, spans.First(g => g.TraceId == server.TraceId && g.Scope == "Microsoft.Orleans.Application" && g.Name.Contains("GetRecord", StringComparison.Ordinal))))
                    : throw new TimeoutException($"missing metrics: {string.Join(", ", missing)}; gateway span with its grain span: {server is not null}");
            },
            TimeSpan.FromSeconds(30));
        // Four more metric exports (two from each service, a second apart): every span that ended by now was exported too.
        var exports = platform.Otlp.Bodies(Metrics).Count;
        await Poll.UntilAsync(() => platform.Otlp.Bodies(Metrics).Count >= exports + 4 ? Task.FromResult(true) : throw new TimeoutException(), TimeSpan.FromSeconds(30));
        output.WriteLine($"received {platform.Otlp.Bodies(Metrics).Count} metrics, {platform.Otlp.Bodies(Traces).Count} trace and {platform.Otlp.Bodies(Logs).Count} log exports");
        output.WriteLine($"gateway span '{server.Name}' and grain span '{grain.Name}' in trace {server.TraceId}");
        Assert.False(platform.Otlp.Received(Metrics, subject), "a metric names the subject");
        Assert.False(platform.Otlp.Received(Traces, subject), "a span names the subject");
        Assert.False(platform.Otlp.Received(Metrics, tenant), "a metric names the tenant");
        Assert.False(platform.Otlp.Received(Traces, tenant), "a span names the tenant");
        Assert.All(new[] { Metrics, Traces, Logs }, path => Assert.False(platform.Otlp.Received(path, email), $"{path} carries a record value"));
    }

    [Fact]
    public async Task ReminderLagIsExportedWhenAGrantsExpiryReminderFires()
    {
        // Arrange: a grant whose window ends in two seconds
        var tenant = Platform.NewId("acme");
        var officer = platform.Access(Platform.NewId("officer"), "officer");
        var grant = await officer.IssueGrantAsync(new IssueGrantRequest
        {
            Principal = Platform.NewId("staff"),
            Scope = new GrantScope { TenantId = tenant, SubjectIds = { "s1" } },
            Operations = { Operation.Read },
            Purpose = "support",
            Justification = "ticket T-1",
            Cidrs = { "127.0.0.0/8" },
            ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(2)),
        });

        // Act: its expiry reminder fires
        await Poll.UntilAsync(
            async () => (await officer.GetGrantAsync(new GetGrantRequest { GrantId = grant.GrantId })).Status == GrantStatus.Expired
                ? true
                : throw new TimeoutException("the grant has not expired yet"),
            TimeSpan.FromSeconds(60));

        // Assert
        var point = await Poll.UntilAsync(
            () => Task.FromResult(platform.Otlp.Bodies(Metrics)
                .SelectMany(b => OtlpMessages.HistogramPoints(b, ReminderLag.InstrumentName))
                .FirstOrDefault(p => p.Service == "custodian-silo" && p.Attributes.GetValueOrDefault("grain") == "AccessGrantGrain" && p.Attributes.GetValueOrDefault("reminder") == "expire" && p.Count > 0)
                ?? throw new TimeoutException($"{ReminderLag.InstrumentName} of the expiry reminder not exported yet")),
            TimeSpan.FromSeconds(30));
        output.WriteLine($"{point.Metric} {{grain={point.Attributes["grain"]}, reminder={point.Attributes["reminder"]}}}: {point.Count} tick(s)");
    }
}
