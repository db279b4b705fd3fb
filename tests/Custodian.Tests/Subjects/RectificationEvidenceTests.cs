using System.Collections.Immutable;
using Custodian.Audit;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using LegalBasis = Custodian.Subjects.LegalBasis;

namespace Custodian.Tests.Subjects;

/// <summary>
/// A platform whose audit trail sits behind a proxy the tests can cut, and whose silo runs a test's action the
/// moment a rectification's digests reach an audit partition (before the partition stores them).
/// </summary>
public sealed class RectificationPlatform : Platform
{
    public FaultProxy AuditLink { get; } = new();

    public DigestAppendHook Digests { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings()
    {
        AuditLink.TargetPort = Azurite.TablePort;
        return [new("ConnectionStrings:Audit", Azurite.ConnectionStringWithTablePort(AuditLink.Port))];
    }

    protected override void ConfigureSiloServices(IServiceCollection services) =>
        services.AddSingleton<IIncomingGrainCallFilter>(Digests);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await AuditLink.DisposeAsync();
    }
}

/// <summary>Runs an action once, inside the silo, just before an audit partition appends a batch holding <c>Rectify:</c> digests.</summary>
public sealed class DigestAppendHook : IIncomingGrainCallFilter
{
    private Func<Task>? _next;

    /// <summary>Runs <paramref name="action"/> before the next batch of digests is appended (once).</summary>
    public void Before(Func<Task> action) => Volatile.Write(ref _next, action);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IAuditPartitionGrain.AppendAsync)
            && context.Request.GetArgumentCount() == 1
            && context.Request.GetArgument(0) is ImmutableArray<AuditRecord> records
            && records.Any(r => r.Action.StartsWith("Rectify:", StringComparison.Ordinal))
            && Interlocked.Exchange(ref _next, null) is { } action)
        {
            await action();
        }

        await context.Invoke();
    }
}

/// <summary>Art. 16 evidence: the keyed digests of a rectification are durable before it is made, and the answer tells what happened.</summary>
public sealed class RectificationEvidenceTests(RectificationPlatform platform) : IClassFixture<RectificationPlatform>
{
    [Fact]
    public async Task WhenTheTrailCannotTakeTheDigestsNothingIsRectifiedAndTheAnswerSaysSo()
    {
        // Arrange: a stored record; the trail's link goes down the moment the digests reach it
        var (tenant, subject, app) = await SubjectAsync("jane-before-5512@example.org");
        platform.Digests.Before(() =>
        {
            platform.AuditLink.Cut();
            return Task.CompletedTask;
        });

        // Act
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await app.RectifyAsync(Rectify(tenant, subject, "jane-after-5512@example.org")));
        platform.AuditLink.Restore();
        var stored = await StoredEmailAsync(tenant, subject);
        var retried = await Poll.UntilAsync(async () => await app.RectifyAsync(Rectify(tenant, subject, "jane-after-5512@example.org")),
            TimeSpan.FromSeconds(30), e => e is RpcException { StatusCode: StatusCode.Unavailable });

        // Assert: UNAVAILABLE says nothing was done, and the stored record agrees; with the trail back the change is made once, with its digests
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("nothing was done", refused.Status.Detail);
        Assert.Equal("jane-before-5512@example.org", stored);
        Assert.Equal(["email"], retried.ChangedFields);
        Assert.Equal("jane-after-5512@example.org", await StoredEmailAsync(tenant, subject));
        var digests = await platform.AuditEntriesAsync(new AuditQuery(Action: "Rectify:contact.email", Target: platform.AuditKeys.Subject(tenant, subject)));
        Assert.Matches("^before=hmac:[A-Za-z0-9+/]{22} after=hmac:[A-Za-z0-9+/]{22}$", Assert.Single(digests).Record.Outcome);
    }

    [Fact]
    public async Task ARecordChangedWhileItsDigestsAreRecordedIsNotOverwrittenAndTheCallIsAbortedForARetry()
    {
        // Arrange: a stored record; another writer replaces it while the rectification's digests are being recorded
        var (tenant, subject, app) = await SubjectAsync("jane-before-7730@example.org");
        platform.Digests.Before(() => Grain(tenant, subject).PutRecordAsync(new PersonalDataRecord(
            "contact", "Account management and service messages", LegalBasis.Contract,
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new("email", "jane-other-7730@example.org"), new KeyValuePair<string, string>("name", "Jane Example")]))));

        // Act
        var aborted = await Assert.ThrowsAsync<RpcException>(async () => await app.RectifyAsync(Rectify(tenant, subject, "jane-after-7730@example.org")));
        var stored = await StoredEmailAsync(tenant, subject);
        var retried = await app.RectifyAsync(Rectify(tenant, subject, "jane-after-7730@example.org"));

        // Assert: ABORTED, and indeed the other writer's value stands; the retry rectifies from it
        Assert.Equal(StatusCode.Aborted, aborted.StatusCode);
        Assert.Contains("changed meanwhile", aborted.Status.Detail);
        Assert.Equal("jane-other-7730@example.org", stored);
        Assert.Equal(["email"], retried.ChangedFields);
        Assert.Equal("jane-after-7730@example.org", await StoredEmailAsync(tenant, subject));
        Assert.DoesNotContain(platform.Logs.Lines, l => l.Contains("7730@example.org", StringComparison.Ordinal));
    }

    private async Task<(string Tenant, string Subject, Custodian.Gateway.Protos.Subjects.Subjects.SubjectsClient App)> SubjectAsync(string email)
    {
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("s");
        var app = platform.Subjects(tenant);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact(email) });
        return (tenant, subject, app);
    }

    private static RectifyRequest Rectify(string tenant, string subject, string email) =>
        new() { TenantId = tenant, SubjectId = subject, Category = "contact", Fields = { ["email"] = email } };

    private IDataSubjectGrain Grain(string tenant, string subject) => platform.SiloGrains.GetGrain<IDataSubjectGrain>(new SubjectRef(tenant, subject).GrainKey);

    private async Task<string?> StoredEmailAsync(string tenant, string subject) =>
        (await Grain(tenant, subject).GetRecordAsync("contact", "")).Record?.Record.Fields["email"];
}
