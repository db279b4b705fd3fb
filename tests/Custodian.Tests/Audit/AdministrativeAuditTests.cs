using Custodian.Gateway.Protos.Access;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Custodian.Tests.Subjects;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Custodian.Tests.Audit;

[Collection(PlatformCollection.Name)]
public sealed class AdministrativeAuditTests(Platform platform)
{
    private const string IssueGrant = "Admin:/custodian.access.v1.Access/IssueGrant";

    [Fact]
    public async Task AnAdministrativeCallIsRecordedBeforeItRunsAndItsOutcomeAfter()
    {
        // Arrange
        var officer = Platform.NewId("officer");

        // Act
        var grant = await platform.Access(officer, "officer").IssueGrantAsync(NewGrant("staff-audited"));

        // Assert
        var entries = await platform.AuditEntriesOfAsync(officer);
        Assert.Equal([(IssueGrant, "allowed", "principal:staff-audited"), (IssueGrant, "done", "grant:" + grant.GrantId)],
            entries.Select(e => (e.Record.Action, e.Record.Outcome, e.Record.Target)));
        Assert.All(entries, e => Assert.Equal("role:officer", e.Record.GrantId));
        Assert.All(entries, e => Assert.Equal("127.0.0.1", e.Record.SourceIp));
    }

    [Fact]
    public async Task AFailedAdministrativeCallRecordsItsStatus()
    {
        // Arrange
        var officer = Platform.NewId("officer");
        var request = NewGrant("staff-audited");
        request.Justification = " ";

        // Act
        var error = await Assert.ThrowsAsync<RpcException>(async () => await platform.Access(officer, "officer").IssueGrantAsync(request));

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var entries = await platform.AuditEntriesOfAsync(officer);
        Assert.Equal(["allowed", "failed:InvalidArgument"], entries.Select(e => e.Record.Outcome));
    }

    [Fact]
    public async Task CallsTurnedAwayByTheRoleCheckAreRecorded()
    {
        // Arrange
        var staff = Platform.NewId("staff");
        var since = DateTimeOffset.UtcNow;

        // Act
        var wrongRole = await Assert.ThrowsAsync<RpcException>(async () => await platform.Access(staff, "staff").IssueGrantAsync(NewGrant("staff-x")));
        var noToken = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Custodian.Gateway.Protos.Access.Access.AccessClient(platform.Channel()).IssueGrantAsync(NewGrant("staff-y")));

        // Assert
        Assert.Equal(StatusCode.PermissionDenied, wrongRole.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, noToken.StatusCode);
        var mine = await platform.AuditEntriesOfAsync(staff);
        Assert.Equal([("/custodian.access.v1.Access/IssueGrant", "denied:role")], mine.Select(e => (e.Record.Action[6..], e.Record.Outcome)));
        var anonymous = (await platform.AuditEntriesOfAsync("anonymous")).Where(e => e.Record.At >= since && e.Record.Action == IssueGrant);
        Assert.Contains(anonymous, e => e.Record.Outcome == "denied:unauthenticated");
    }

    [Fact]
    public async Task AWriteOfPersonalDataIsRecordedBeforeAndAfterUnderTheSubjectsHash()
    {
        // Arrange
        var tenant = Platform.NewId("acme");
        var subject = Platform.NewId("subj");
        var app = Platform.NewId("app");

        // Act
        await platform.SubjectsAs(app, tenant, "app").PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact($"{subject}@example.org") });

        // Assert
        var entries = await platform.AuditEntriesOfAsync(app);
        Assert.Equal(["allowed", "done"], entries.Select(e => e.Record.Outcome));
        Assert.All(entries, e => Assert.Equal("Write:/custodian.subjects.v1.Subjects/PutRecord", e.Record.Action));
        Assert.Single(entries.Select(e => e.Record.Target).Distinct());
        Assert.All(entries, e => Assert.StartsWith("subject:", e.Record.Target));
        Assert.All(entries, e => Assert.DoesNotContain(subject, e.Record.Target));
    }

    [Fact]
    public async Task TheSiloAndTheGatewayRecordTheConfigurationTheyStartedWith()
    {
        var entries = await Poll.UntilAsync(async () =>
        {
            var found = await platform.AuditEntriesAsync(new Custodian.Audit.AuditQuery(Action: "Configuration:Start"));

            return found.Select(e => e.Record.Actor.Split('/')[0]).Distinct().Count() == 2 ? found : throw new InvalidOperationException("not both yet");
        }, TimeSpan.FromSeconds(30));

        Assert.Contains(entries, e => e.Record.Actor.StartsWith("custodian:silo/", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Record.Actor.StartsWith("custodian:gateway/", StringComparison.Ordinal));
        Assert.All(entries, e => Assert.Matches("^config:sha256:[0-9a-f]{32}$", e.Record.Target));
    }

    [Fact]
    public void TheConfigurationDigestChangesWithASettingButNotWithASecret()
    {
        var bound = new Custodian.Hosting.BoundSections();
        bound.Add(Custodian.Access.AccessPolicy.Section, typeof(Custodian.Access.AccessPolicy));
        bound.Add(Custodian.Gateway.GatewayTlsOptions.Section, typeof(Custodian.Gateway.GatewayTlsOptions));
        string Digest(params (string Key, string Value)[] settings) => new Custodian.Hosting.ConfigurationDigest(
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(), bound).Value();

        var baseline = Digest(("Access:MaximumDuration", "08:00:00"), ("Tls:Certificate:Password", "one"), ("Unrelated:Thing", "x"));

        Assert.NotEqual(baseline, Digest(("Access:MaximumDuration", "09:00:00"), ("Tls:Certificate:Password", "one"), ("Unrelated:Thing", "x")));
        Assert.Equal(baseline, Digest(("Access:MaximumDuration", "08:00:00"), ("Tls:Certificate:Password", "two"), ("Unrelated:Thing", "x")));
        Assert.Equal(baseline, Digest(("Access:MaximumDuration", "08:00:00"), ("Tls:Certificate:Password", "one"), ("Unrelated:Thing", "y")));
    }

    private static IssueGrantRequest NewGrant(string principal) => new()
    {
        Principal = principal,
        Scope = new GrantScope { TenantId = "acme" },
        Operations = { Operation.Read },
        Purpose = "support",
        Justification = "ticket 1",
        Cidrs = { "127.0.0.0/8" },
        ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)),
    };
}
