using System.Collections.Concurrent;
using Custodian.Access;
using Custodian.Audit;
using Custodian.Backups;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Hosting;
using Custodian.Incidents;
using Custodian.Keys;
using Custodian.Regions;
using Custodian.Requests;
using Custodian.Subjects;
using Custodian.Tests.Gateway;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Custodian.Validation;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Xunit.Abstractions;
using AccessProto = Custodian.Gateway.Protos.Access;
using BackupsProto = Custodian.Gateway.Protos.Backups;
using IncidentsProto = Custodian.Gateway.Protos.Incidents;
using KeysProto = Custodian.Gateway.Protos.Keys;
using RegionsProto = Custodian.Gateway.Protos.Regions;
using RequestsProto = Custodian.Gateway.Protos.Requests;
using SecurityProto = Custodian.Gateway.Protos.Security;
using SubjectsProto = Custodian.Gateway.Protos.Subjects;

namespace Custodian.Tests.Audit;

/// <summary>
/// A platform whose audit trail sits in its own account, reached through a proxy the tests can cut; with the two-person
/// rule (so that an approval is a change of its own) and a tenant whose supervisory authority has an address (so that
/// a notice can be sent).
/// </summary>
public sealed class AuditOutagePlatform : Platform
{
    /// <summary>The tenant whose incidents' notices go to <c>authority@dpa.test</c>.</summary>
    public const string IncidentTenant = "acme-outage";

    public FaultProxy AuditLink { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings()
    {
        AuditLink.TargetPort = Azurite.TablePort;
        return
        [
            new("ConnectionStrings:Audit", Azurite.ConnectionStringWithTablePort(AuditLink.Port)),
            new("Access:TwoPersonRule", "true"),
            new($"Incidents:Tenants:{IncidentTenant}:AuthorityEmail", "authority@dpa.test"),
        ];
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

    /// <summary>The gateway's methods that change nothing; every other method is driven through the outage below.</summary>
    private static readonly string[] ReadOnly =
    [
        "Access.GetGrant", "Access.ListGrantLog", "Access.ExportGrantLog", "Access.GetReview",
        "Audit.VerifyTrail", "Audit.QueryTrail",
        "Backups.GetJob", "Backups.ListBackups",
        "Incidents.GetIncident", "Incidents.ListIncidents", "Incidents.ExportRegister",
        "Keys.GetRotationStatus", "Keys.GetShredReceipt",
        "Regions.GetStatus",
        "Requests.GetRequest", "Requests.ListRequests",
        "SecurityReports.ListAlerts", "SecurityReports.GetActivity",
        "Subjects.GetRecord", "Subjects.ListCategories", "Subjects.ListRecipients", "Subjects.Export",
    ];

    [Fact]
    public async Task EveryMutatingCallDuringAnAuditOutageIsRefusedAndStoresNothing()
    {
        // Arrange: for each mutating method, what it acts on (made while the trail is up), a call that would change it,
        // and how to read that back from the grains
        var tenant = Platform.NewId("acme");
        var incidents = AuditOutagePlatform.IncidentTenant;
        var (appActor, officer, operatorActor, issuer) = (Platform.NewId("app"), Platform.NewId("officer"), Platform.NewId("operator"), Platform.NewId("officer"));
        Grpc.Net.Client.GrpcChannel As(string principal, string? tenantClaim, string role) => platform.Channel(platform.GatewayAccess.TokenOf(principal, tenantClaim, role));
        var app = new SubjectsProto.Subjects.SubjectsClient(As(appActor, tenant, "app"));
        var appKeys = new KeysProto.Keys.KeysClient(As(appActor, tenant, "app"));
        var appRequests = new RequestsProto.Requests.RequestsClient(As(appActor, tenant, "app"));
        var subjects = new SubjectsProto.Subjects.SubjectsClient(As(officer, null, "officer"));
        var access = new AccessProto.Access.AccessClient(As(officer, null, "officer"));
        var issuing = new AccessProto.Access.AccessClient(As(issuer, null, "officer")); // the officer who issues what the other approves
        var incidentsClient = new IncidentsProto.Incidents.IncidentsClient(As(officer, null, "officer"));
        var requests = new RequestsProto.Requests.RequestsClient(As(officer, null, "officer"));
        var security = new SecurityProto.SecurityReports.SecurityReportsClient(As(officer, null, "officer"));
        var regions = new RegionsProto.Regions.RegionsClient(As(officer, null, "officer"));
        var keys = new KeysProto.Keys.KeysClient(As(operatorActor, null, "operator"));
        var backups = new BackupsProto.Backups.BackupsClient(As(operatorActor, null, "operator"));
        static Timestamp At(DateTimeOffset at) => Timestamp.FromDateTimeOffset(at);
        var grains = platform.SiloGrains;

        foreach (var subject in new[] { "rectify", "restrict", "lift", "object", "grounds", "recipients", "erase", "hold", "release", "shred" })
        {
            await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact($"{subject}@outage.example.org") });
        }

        await app.RestrictAsync(new SubjectsProto.RestrictRequest { TenantId = tenant, SubjectId = "lift", Ground = SubjectsProto.RestrictionGround.AccuracyContested });
        await app.ObjectAsync(new SubjectsProto.ObjectRequest { TenantId = tenant, SubjectId = "grounds", Purpose = "profiling" });
        await subjects.PlaceLegalHoldAsync(new SubjectsProto.PlaceLegalHoldRequest { TenantId = tenant, SubjectId = "release", Ground = SubjectsProto.ErasureException.LegalClaims });

        AccessProto.IssueGrantRequest GrantFor(string principal, AccessProto.Operation operation) => new()
        {
            Principal = principal, Scope = new AccessProto.GrantScope { TenantId = tenant, SubjectIds = { "s1" } }, Operations = { operation },
            Purpose = "support", Justification = "ticket T-2", Cidrs = { "127.0.0.0/8" },
            ValidFrom = At(DateTimeOffset.UtcNow.AddMinutes(-1)), ValidUntil = At(DateTimeOffset.UtcNow.AddHours(1)),
        };
        var pending = await issuing.IssueGrantAsync(GrantFor(Platform.NewId("staff"), AccessProto.Operation.Export)); // awaits a second officer
        var toRevoke = await issuing.IssueGrantAsync(GrantFor(Platform.NewId("staff"), AccessProto.Operation.Read));
        var toRenew = await issuing.IssueGrantAsync(GrantFor(Platform.NewId("staff"), AccessProto.Operation.Read));
        var toReview = await issuing.IssueGrantAsync(GrantFor(Platform.NewId("staff"), AccessProto.Operation.Read));
        await issuing.OpenReviewAsync(new AccessProto.OpenReviewRequest());
        var grantee = Platform.NewId("staff");
        var suspended = Platform.NewId("staff");
        await platform.SiloGrains.GetGrain<IPrincipalGrain>(suspended).SuspendAsync(new Suspension("alert-outage", "volume", DateTimeOffset.UtcNow));

        async Task<string> OpenIncidentAsync(IncidentsProto.RiskLevel risk = IncidentsProto.RiskLevel.Unassessed)
        {
            var id = Platform.NewId("inc");
            await incidentsClient.OpenIncidentAsync(new IncidentsProto.OpenIncidentRequest
            {
                TenantId = incidents, IncidentId = id, AwareAt = At(DateTimeOffset.UtcNow.AddHours(-1)), Facts = new IncidentsProto.IncidentFacts { Nature = "A laptop with an export was lost", Risk = risk },
            });
            return id;
        }

        // An incident closes once its risk is assessed (none: no authority notice due); only a draft, as a security alert opens one, is confirmed.
        var (toUpdate, toClose, toNotify, toConfirm, toOpen) = (await OpenIncidentAsync(), await OpenIncidentAsync(IncidentsProto.RiskLevel.None), await OpenIncidentAsync(), Platform.NewId("inc"), Platform.NewId("inc"));
        await grains.GetGrain<IIncidentGrain>(Custodian.Incidents.Incident.GrainKey(incidents, toConfirm)).OpenDraftAsync(DateTimeOffset.UtcNow.AddHours(-1), "Unusual reads", "custodian:security-reports", "alert-outage");

        async Task<string> FileRequestAsync() => (await appRequests.FileRequestAsync(new RequestsProto.FileRequestRequest
        {
            TenantId = tenant, SubjectId = "s1", Kind = RequestsProto.RequestKind.Access, Channel = RequestsProto.RequestChannel.Api,
        })).RequestId;
        var (toCheck, toPause, toResume, toExtend, toClose2) = (await FileRequestAsync(), await FileRequestAsync(), await FileRequestAsync(), await FileRequestAsync(), await FileRequestAsync());
        await requests.PauseRequestAsync(new RequestsProto.RequestRef { TenantId = tenant, RequestId = toResume });
        await requests.CheckIdentityAsync(new RequestsProto.CheckIdentityRequest { TenantId = tenant, RequestId = toClose2, Verified = true });
        var fileKey = Platform.NewId("file");
        var toFile = RequestIds.ForIdempotencyKey(tenant, appActor, fileKey);

        static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value);
        Func<Task<string>> Subject(string id) => async () => Json(await grains.GetGrain<IDataSubjectGrain>(new SubjectRef(tenant, id).GrainKey).ExportAsync(portability: false));
        Func<Task<string>> Grant(string id) => async () => Json(await grains.GetGrain<IAccessGrantGrain>(id).GetAsync());
        Func<Task<string>> GrantsOf(string principal) => async () => Json(await grains.GetGrain<IPrincipalGrain>(principal).GetGrantsAsync());
        Func<Task<string>> Incident(string id) => async () =>
        {
            var grain = grains.GetGrain<IIncidentGrain>(Custodian.Incidents.Incident.GrainKey(incidents, id));
            return Json(await grain.GetAsync()) + Json((await grain.GetDeliveriesAsync()).Select(d => d.MessageId));
        };
        Func<Task<string>> Request(string id) => async () => Json(await grains.GetGrain<ISubjectRequestGrain>(SubjectRequest.GrainKey(tenant, id)).GetAsync());
        async Task<string> Review() => Json(await grains.GetGrain<IAccessReviewGrain>(IAccessReviewGrain.Key).GetAsync());
        async Task<string> ReviewOf(string grantId) =>
            (await grains.GetGrain<IAccessReviewGrain>(IAccessReviewGrain.Key).GetAsync())?.Items.Single(i => i.GrantId == grantId).Decision.ToString() ?? "no review";
        async Task<string> Rotation()
        {
            var r = await grains.GetGrain<IKeyManagementGrain>(Platform.Region).GetRotationStatusAsync();
            return Json(new { r.Phase, r.CurrentKekId, r.TargetKekId, r.StartedAt, r.StartedBy, r.KekIds });
        }

        // The region's one job is held by its grain (not stored); the backups it made are in the backup account.
        async Task<string> Job(BackupJobKind kind)
        {
            var region = grains.GetGrain<IBackupGrain>(Platform.Region);
            var job = await region.GetJobAsync() is { } current && current.Kind == kind ? $"{current.JobId} by {current.StartedBy}" : "no job";
            return kind == BackupJobKind.Backup ? $"{job}; {(await region.ListBackupsAsync()).Length} backup(s)" : job;
        }

        async Task<string> Placement()
        {
            var row = (await grains.GetGrain<IRegionsGrain>(Platform.Region).StatusAsync()).Tenants.SingleOrDefault(t => t.Tenant == tenant);
            return row is null ? "none" : Json(new { row.Writer, row.Epoch, row.MovedAt, row.MovedFrom });
        }

        List<Mutation> mutations =
        [
            new("Subjects.PutRecord", async () => await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "put", Record = SampleRecords.Contact("put@outage.example.org") }), Subject("put")),
            new("Subjects.Rectify", async () => await app.RectifyAsync(new SubjectsProto.RectifyRequest { TenantId = tenant, SubjectId = "rectify", Category = "contact", Fields = { ["email"] = "new@outage.example.org" } }), Subject("rectify")),
            new("Subjects.Restrict", async () => await app.RestrictAsync(new SubjectsProto.RestrictRequest { TenantId = tenant, SubjectId = "restrict", Ground = SubjectsProto.RestrictionGround.AccuracyContested }), Subject("restrict")),
            new("Subjects.LiftRestriction", async () => await app.LiftRestrictionAsync(new SubjectsProto.LiftRestrictionRequest { TenantId = tenant, SubjectId = "lift", SubjectInformedAt = At(DateTimeOffset.UtcNow) }), Subject("lift")),
            new("Subjects.Object", async () => await app.ObjectAsync(new SubjectsProto.ObjectRequest { TenantId = tenant, SubjectId = "object", Purpose = "marketing", DirectMarketing = true }), Subject("object")),
            new("Subjects.RecordCompellingGrounds", async () => await subjects.RecordCompellingGroundsAsync(new SubjectsProto.RecordCompellingGroundsRequest
            {
                TenantId = tenant, SubjectId = "grounds", Purpose = "profiling", Grounds = "Fraud screening the payment provider requires",
            }), Subject("grounds")),
            new("Subjects.SetRecipients", async () => await app.SetRecipientsAsync(new SubjectsProto.SetRecipientsRequest
            {
                TenantId = tenant, SubjectId = "recipients", Category = "contact", Recipients = { new SubjectsProto.Recipient { Name = "Acme Payments Ltd", Email = "privacy@payments.example.org" } },
            }), Subject("recipients")),
            new("Subjects.Erase", async () => await app.EraseAsync(new SubjectsProto.EraseRequest { TenantId = tenant, SubjectId = "erase", Reason = "req-outage" }), Subject("erase")),
            new("Subjects.PlaceLegalHold", async () => await subjects.PlaceLegalHoldAsync(new SubjectsProto.PlaceLegalHoldRequest { TenantId = tenant, SubjectId = "hold", Ground = SubjectsProto.ErasureException.LegalClaims }), Subject("hold")),
            new("Subjects.ReleaseLegalHold", async () => await subjects.ReleaseLegalHoldAsync(new SubjectsProto.ReleaseLegalHoldRequest { TenantId = tenant, SubjectId = "release" }), Subject("release")),
            new("Keys.ShredSubject", async () => await appKeys.ShredSubjectAsync(new KeysProto.ShredSubjectRequest { TenantId = tenant, SubjectId = "shred", Reason = "req-outage" }), Subject("shred")),
            new("Keys.RotateKek", async () => await keys.RotateKekAsync(new KeysProto.RotateKekRequest()), Rotation),
            new("Access.IssueGrant", async () => await access.IssueGrantAsync(GrantFor(grantee, AccessProto.Operation.Read)), GrantsOf(grantee)),
            new("Access.ApproveGrant", async () => await access.ApproveGrantAsync(new AccessProto.GrantActionRequest { GrantId = pending.GrantId, Reason = "checked" }), Grant(pending.GrantId)),
            new("Access.RevokeGrant", async () => await access.RevokeGrantAsync(new AccessProto.GrantActionRequest { GrantId = toRevoke.GrantId, Reason = "case closed" }), Grant(toRevoke.GrantId)),
            new("Access.RenewGrant", async () => await access.RenewGrantAsync(new AccessProto.RenewGrantRequest
            {
                GrantId = toRenew.GrantId, Justification = "ticket T-2 still open", ValidUntil = At(DateTimeOffset.UtcNow.AddHours(2)),
            }), GrantsOf(toRenew.Principal)),
            // A review is open (the one DecideReviewItem needs), so OpenReview, once the trail is back, answers with it and changes nothing.
            new("Access.OpenReview", async () => await access.OpenReviewAsync(new AccessProto.OpenReviewRequest()), Review, Changes: false),
            new("Access.DecideReviewItem", async () => await access.DecideReviewItemAsync(new AccessProto.DecideReviewItemRequest { GrantId = toReview.GrantId, Confirm = true, Reason = "still needed" }),
                () => ReviewOf(toReview.GrantId)),
            new("Incidents.OpenIncident", async () => await incidentsClient.OpenIncidentAsync(new IncidentsProto.OpenIncidentRequest
            {
                TenantId = incidents, IncidentId = toOpen, AwareAt = At(DateTimeOffset.UtcNow.AddHours(-1)), Facts = new IncidentsProto.IncidentFacts { Nature = "A backup tape was lost" },
            }), Incident(toOpen)),
            new("Incidents.UpdateIncident", async () => await incidentsClient.UpdateIncidentAsync(new IncidentsProto.UpdateIncidentRequest
            {
                TenantId = incidents, IncidentId = toUpdate, Facts = new IncidentsProto.IncidentFacts { Measures = "The laptop was wiped remotely" },
            }), Incident(toUpdate)),
            new("Incidents.ConfirmIncident", async () => await incidentsClient.ConfirmIncidentAsync(new IncidentsProto.IncidentRef { TenantId = incidents, IncidentId = toConfirm }), Incident(toConfirm)),
            new("Incidents.CloseIncident", async () => await incidentsClient.CloseIncidentAsync(new IncidentsProto.IncidentRef { TenantId = incidents, IncidentId = toClose }), Incident(toClose)),
            new("Incidents.SendNotice", async () => await incidentsClient.SendNoticeAsync(new IncidentsProto.SendNoticeRequest
            {
                TenantId = incidents, IncidentId = toNotify, Audience = IncidentsProto.NoticeAudience.Authority, Phase = IncidentsProto.NoticePhase.First,
            }), Incident(toNotify)),
            new("Requests.FileRequest", async () => await appRequests.FileRequestAsync(
                new RequestsProto.FileRequestRequest { TenantId = tenant, SubjectId = "s2", Kind = RequestsProto.RequestKind.Erasure, Channel = RequestsProto.RequestChannel.Api },
                new Metadata { { IdempotencyKeys.HeaderName, fileKey } }), Request(toFile)),
            new("Requests.CheckIdentity", async () => await requests.CheckIdentityAsync(new RequestsProto.CheckIdentityRequest { TenantId = tenant, RequestId = toCheck, Verified = true }), Request(toCheck)),
            new("Requests.PauseRequest", async () => await requests.PauseRequestAsync(new RequestsProto.RequestRef { TenantId = tenant, RequestId = toPause }), Request(toPause)),
            new("Requests.ResumeRequest", async () => await requests.ResumeRequestAsync(new RequestsProto.RequestRef { TenantId = tenant, RequestId = toResume }), Request(toResume)),
            new("Requests.ExtendRequest", async () => await requests.ExtendRequestAsync(new RequestsProto.ExtendRequestRequest
            {
                TenantId = tenant, RequestId = toExtend, Months = 1, Reasons = "Many requests at once",
            }), Request(toExtend)),
            new("Requests.CloseRequest", async () => await requests.CloseRequestAsync(new RequestsProto.CloseRequestRequest { TenantId = tenant, RequestId = toClose2, Outcome = RequestsProto.OutcomeKind.Fulfilled }),
                Request(toClose2)),
            new("SecurityReports.ResumePrincipal", async () => await security.ResumePrincipalAsync(new SecurityProto.ResumePrincipalRequest { Principal = suspended, Reason = "false alarm" }),
                async () => Json(await grains.GetGrain<IPrincipalGrain>(suspended).GetSuspensionAsync())),
            new("Backups.StartBackup", async () => await backups.StartBackupAsync(new BackupsProto.StartBackupRequest()), () => Job(BackupJobKind.Backup)),
            // Once the trail is back, the region runs one job at a time: the restore is answered with the backup just started.
            new("Backups.Restore", async () => await backups.RestoreAsync(new BackupsProto.RestoreRequest { BackupId = "backup-outage", Target = "scratch" }),
                () => Job(BackupJobKind.Restore), StatusCode.OK, Changes: false),
            // One region serves this platform: nothing to resynchronise, and no region to move the tenant to (its writer
            // cannot be promoted, it sits at its configured writer already); what the outage shows is that the trail is asked first.
            new("Regions.Resync", async () => await regions.ResyncAsync(new RegionsProto.ResyncRequest { TenantId = tenant }), Placement, StatusCode.OK, Changes: false),
            new("Regions.Promote", async () => await regions.PromoteAsync(new RegionsProto.PromoteRequest { TenantId = tenant, Reason = "drill", Region = Platform.Region }),
                Placement, StatusCode.FailedPrecondition, Changes: false),
            new("Regions.Failback", async () => await regions.FailbackAsync(new RegionsProto.FailbackRequest { TenantId = tenant, Reason = "drill" }),
                Placement, StatusCode.FailedPrecondition, Changes: false),
        ];
        var before = new List<string>();
        foreach (var mutation in mutations)
        {
            before.Add(await mutation.Read());
        }

        // Act: every call at once while the audit store is cut off; then the link back, and everything read again
        var cutAt = DateTimeOffset.UtcNow;
        platform.AuditLink.Cut();
        var during = await Task.WhenAll(mutations.Select(m => StatusOfAsync(m.Call)));
        platform.AuditLink.Restore();
        var restoredAt = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(
            async () => await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "probe", Record = SampleRecords.Contact("probe@outage.example.org") }),
            TimeSpan.FromSeconds(60),
            e => e is RpcException { StatusCode: StatusCode.Unavailable });
        var after = new List<string>();
        foreach (var mutation in mutations)
        {
            after.Add(await mutation.Read());
        }

        // ...and the same calls again, now that the trail takes them, to show each would have changed what was read
        var again = new List<(StatusCode Status, string Detail)>();
        var changed = new List<string>();
        foreach (var mutation in mutations)
        {
            again.Add(await StatusOfAsync(mutation.Call));
            changed.Add(await mutation.Read());
        }

        // Assert
        var rows = mutations.Select((m, i) => (Mutation: m, During: during[i], Before: before[i], After: after[i], Again: again[i], Changed: changed[i])).ToList();
        foreach (var row in rows)
        {
            output.WriteLine($"{row.Mutation.Method}: {row.During.Status} during the outage; {row.Again.Status} afterwards {row.Again.Detail}");
        }

        Assert.Equal(
            GatewayMethods.All.Select(m => $"{m.Service.Name}.{m.Name}").Except(ReadOnly).Order(StringComparer.Ordinal),
            mutations.Select(m => m.Method).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.True(
            r.During is (StatusCode.Unavailable, var detail) && detail.StartsWith("The audit trail cannot record this call", StringComparison.Ordinal),
            $"{r.Mutation.Method} during the outage: {r.During}"));
        Assert.All(rows, r => Assert.True(r.Before == r.After, $"{r.Mutation.Method} stored something while refused: {r.Before} became {r.After}"));
        Assert.All(rows, r => Assert.True(r.Again.Status == r.Mutation.Afterwards, $"{r.Mutation.Method} once the trail was back: {r.Again}, expected {r.Mutation.Afterwards}"));
        Assert.All(rows, r => Assert.True(
            r.Mutation.Changes == (r.Changed != r.Before),
            $"{r.Mutation.Method} once the trail was back {(r.Mutation.Changes ? "changed nothing" : "changed")}: {r.Changed}"));
        var actors = new[] { appActor, officer, operatorActor };
        var outcomes = (await platform.AuditEntriesAsync(new AuditQuery(From: cutAt, Until: restoredAt))).Where(e => actors.Contains(e.Record.Actor) && e.Record.Outcome == "done");
        Assert.Empty(outcomes);
    }

    private static async Task<(StatusCode Status, string Detail)> StatusOfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return (StatusCode.OK, "");
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.Status.Detail);
        }
    }

    /// <summary>
    /// One mutating call: the method (service.method), the call, how to read back what it would change (from the grains), the
    /// status the same call gets once the trail is back, and whether that call then changes what is read.
    /// </summary>
    private sealed record Mutation(string Method, Func<Task> Call, Func<Task<string>> Read, StatusCode Afterwards = StatusCode.OK, bool Changes = true);
}
