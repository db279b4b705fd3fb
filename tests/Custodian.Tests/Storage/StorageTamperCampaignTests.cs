using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Custodian.Access;
using Custodian.Gateway.Protos.Regions;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Incidents;
using Custodian.Requests;
using Custodian.Security;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Xunit.Abstractions;
using AccessProto = Custodian.Gateway.Protos.Access;
using RegionsClient = Custodian.Gateway.Protos.Regions.Regions.RegionsClient;
using IncidentsProto = Custodian.Gateway.Protos.Incidents;
using RequestsProto = Custodian.Gateway.Protos.Requests;

namespace Custodian.Tests.Storage;

/// <summary>
/// What someone who can write to a region's storage account could do to what the platform believes, tried on real
/// Azurite and observed through the real gateway: put back an older envelope of each stateful grain type, blank a
/// ciphertext, delete a state row, forge a tombstone. Each must be refused with DATA_LOSS naming what was found, leave
/// both stored copies as they were, raise an alert, and be repaired by a resync from the pair's copy.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class StorageTamperCampaignTests(Platform platform, ITestOutputHelper output)
{
    private const string ProviderTenant = Incident.ProviderTenant;

    [Fact]
    public async Task EveryRollbackResetAndForgedErasureIsRefusedNamedLeftAsStoredAndRepairedByAResync()
    {
        var since = DateTimeOffset.UtcNow;
        var tenant = Platform.NewId("tamper");
        var officer = platform.Token(null, "officer");
        var app = platform.Subjects(tenant);
        var access = new AccessProto.Access.AccessClient(platform.Channel(officer));
        var incidents = new IncidentsProto.Incidents.IncidentsClient(platform.Channel(officer));
        var requests = new RequestsProto.Requests.RequestsClient(platform.Channel(officer));
        var findings = new List<(string Case, string Finding)>();

        // A subject objects to direct marketing; the envelope from before the objection is put back.
        var subject = Platform.NewId("subj");
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact($"{subject}@example.org") });
        var readForMarketing = () => app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = "marketing" }).ResponseAsync;
        findings.Add(await RollbackAsync("subject: objection undone", tenant, $"datasubject/{tenant}/{subject}",
            change: () => app.ObjectAsync(new ObjectRequest { TenantId = tenant, SubjectId = subject, Purpose = "marketing", DirectMarketing = true }).ResponseAsync,
            read: readForMarketing));
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(readForMarketing)).StatusCode); // the objection holds again

        // A grant is revoked; the envelope of the active grant is put back.
        var staff = Platform.NewId("staff");
        var grant = await access.IssueGrantAsync(new AccessProto.IssueGrantRequest
        {
            Principal = staff,
            Scope = new AccessProto.GrantScope { TenantId = tenant, SubjectIds = { subject } },
            Operations = { AccessProto.Operation.Read },
            Purpose = "support",
            Justification = "ticket T-16",
            Cidrs = { "127.0.0.0/8" },
            ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            ValidUntil = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(4)),
        });
        var getGrant = () => access.GetGrantAsync(new AccessProto.GetGrantRequest { GrantId = grant.GrantId }).ResponseAsync;
        findings.Add(await RollbackAsync("grant: revocation undone", ProviderTenant, $"accessgrant/{grant.GrantId}",
            change: () => access.RevokeGrantAsync(new AccessProto.GrantActionRequest { GrantId = grant.GrantId, Reason = "left the team" }).ResponseAsync,
            read: getGrant));
        Assert.Equal(AccessProto.GrantStatus.Revoked, (await getGrant()).Status);

        // A principal is suspended; the envelope from before the suspension is put back (read inside the silo: the
        // gateway asks the principal grain on a call of that principal).
        var principal = platform.SiloGrains.GetGrain<IPrincipalGrain>(staff);
        findings.Add(await RollbackAsync("principal: suspension undone", ProviderTenant, $"principal/{staff}",
            change: () => principal.SuspendAsync(new Suspension("alert-t16", "drill", DateTimeOffset.UtcNow)),
            read: () => principal.GetSuspensionAsync()));
        Assert.NotNull(await principal.GetSuspensionAsync());

        // An incident's facts are updated; the envelope from before is put back.
        var incidentId = Platform.NewId("inc");
        await incidents.OpenIncidentAsync(new IncidentsProto.OpenIncidentRequest
        {
            TenantId = tenant,
            IncidentId = incidentId,
            AwareAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
            Facts = new IncidentsProto.IncidentFacts { Nature = "A storage key was found in a public repository", ApproximateSubjects = 10 },
        });
        var getIncident = () => incidents.GetIncidentAsync(new IncidentsProto.IncidentRef { TenantId = tenant, IncidentId = incidentId }).ResponseAsync;
        findings.Add(await RollbackAsync("incident: facts update undone", tenant, $"incident/{Incident.GrainKey(tenant, incidentId)}",
            change: () => incidents.UpdateIncidentAsync(new IncidentsProto.UpdateIncidentRequest
            {
                TenantId = tenant,
                IncidentId = incidentId,
                Facts = new IncidentsProto.IncidentFacts { Nature = "A storage key was found in a public repository", ApproximateSubjects = 250 },
            }).ResponseAsync,
            read: getIncident));
        Assert.Equal(250, (await getIncident()).Incident.Facts.ApproximateSubjects);

        // A subject request is paused; the envelope from before is put back.
        var filed = await platform.SiloGrains.GetGrain<ISubjectRequestGrain>(SubjectRequest.GrainKey(tenant, "req-t16"))
            .FileAsync(new RequestFiling(subject, RequestKind.Access, RequestChannel.Helpdesk, "staff-test", null));
        Assert.NotNull(filed.Request);
        var requestRef = new RequestsProto.RequestRef { TenantId = tenant, RequestId = "req-t16" };
        var getRequest = () => requests.GetRequestAsync(requestRef).ResponseAsync;
        findings.Add(await RollbackAsync("request: pause undone", tenant, $"subjectrequest/{SubjectRequest.GrainKey(tenant, "req-t16")}",
            change: () => requests.PauseRequestAsync(requestRef).ResponseAsync,
            read: getRequest));
        Assert.Equal(RequestsProto.RequestStatus.Paused, (await getRequest()).Request.Status);

        // Resets and a forged erasure of the subject.
        var readForSupport = () => app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = subject, Category = "contact", Purpose = "billing" }).ResponseAsync;
        var grainId = $"datasubject/{tenant}/{subject}";
        // The CLI says what the gateway says (this case only: each run starts a process).
        var cliRefusals = new List<string>();
        var readThroughCliToo = async () =>
        {
            var cli = await CliRunner.RunAsync(CliRunner.Against(platform, platform.Token(tenant, "app"),
                "subjects", "get", "--tenant", tenant, "--subject", subject, "--category", "contact", "--purpose", "billing"));
            if (cli.ExitCode != 0)
            {
                cliRefusals.Add($"{cli.ExitCode}: {cli.Error}");
            }

            await readForSupport();
        };
        findings.Add(await TamperCaseAsync("subject: ciphertext blanked", tenant, grainId, readThroughCliToo, async row =>
        {
            var envelope = Envelope(row);
            envelope["ciphertext"] = "";
            await ReplaceAsync(row, envelope);
        }));
        findings.Add(await TamperCaseAsync("subject: state row deleted", tenant, grainId, readForSupport,
            row => platform.Azurite.Tables.GetTableClient("CustodianState").DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All)));
        findings.Add(await TamperCaseAsync("subject: forged tombstone", tenant, grainId, readForSupport, async row =>
        {
            var envelope = Envelope(row);
            envelope["ciphertext"] = "";
            envelope["nonce"] = "";
            envelope["tag"] = "";
            envelope["version"] = envelope["version"]!.GetValue<long>() + 1;
            envelope["erased"] = new JsonObject { ["at"] = DateTimeOffset.UtcNow.ToString("O"), ["receiptId"] = "shred-forged" };
            await ReplaceAsync(row, envelope);
        }));
        Assert.Equal($"{subject}@example.org", (await readForSupport()).Record.Fields["email"]);

        // A forged tombstone on a grain that has nothing to lose does not block it: it is reported and overwritten.
        var fresh = Platform.NewId("subj");
        var forgedRow = new TableEntity(StoredEnvelopes.StateKey($"datasubject/{tenant}/{fresh}"), "subject")
        {
            ["Data"] = System.Text.Encoding.UTF8.GetBytes(new JsonObject
            {
                ["format"] = 2, ["grain"] = $"datasubject/{tenant}/{fresh}", ["keyId"] = "", ["nonce"] = "", ["ciphertext"] = "", ["tag"] = "",
                ["erased"] = new JsonObject { ["at"] = DateTimeOffset.UtcNow.ToString("O"), ["receiptId"] = "shred-forged" },
                ["epoch"] = 1, ["version"] = 1, ["writer"] = Platform.Region, ["mac"] = new string('0', 64),
            }.ToJsonString()),
        };
        await platform.Azurite.Tables.GetTableClient("CustodianState").AddEntityAsync(forgedRow);
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = fresh, Record = SampleRecords.Contact($"{fresh}@example.org") });
        Assert.Equal($"{fresh}@example.org", (await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = fresh, Category = "contact", Purpose = "billing" })).Record.Fields["email"]);

        // A tombstone row forged into the shred ledger (no MAC) does not erase a subject: it is not read.
        var listed = Platform.NewId("subj");
        await platform.Azurite.Tables.GetTableClient("CustodianTombstones").AddEntityAsync(new TableEntity("custodian", Uri.EscapeDataString($"datasubject/{tenant}/{listed}"))
        {
            ["ShreddedAt"] = DateTimeOffset.UtcNow,
            ["ReceiptId"] = "shred-forged",
        });
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = listed, Record = SampleRecords.Contact($"{listed}@example.org") });
        Assert.Equal($"{listed}@example.org", (await app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = listed, Category = "contact", Purpose = "billing" })).Record.Fields["email"]);

        // Assert: every case named what it found, and raised an alert
        foreach (var (kind, finding) in findings)
        {
            output.WriteLine($"{kind}: DATA_LOSS: {finding}");
        }

        var alerts = await platform.SiloGrains.GetGrain<ISecurityAlertsGrain>(Platform.Region).ListAsync(since, 200);
        var integrity = alerts.Where(a => a.Rule == "state-integrity").ToList();
        output.WriteLine($"storage tamper campaign: {findings.Count} cases, {findings.Count} refused with DATA_LOSS and repaired by a resync; {integrity.Count} state-integrity alerts");
        Assert.Equal(8, findings.Count);
        Assert.All(findings.Take(5), f => Assert.Contains("rolled back", f.Finding, StringComparison.Ordinal));
        Assert.Contains("blank ciphertext", findings[5].Finding, StringComparison.Ordinal);
        Assert.Equal(2, cliRefusals.Count); // refused twice, then served after the resync
        Assert.All(cliRefusals, r => Assert.StartsWith("1: error: DataLoss: The stored record was refused: its stored envelope has a blank ciphertext", r, StringComparison.Ordinal));
        Assert.Contains("state row is missing", findings[6].Finding, StringComparison.Ordinal);
        Assert.Contains("tombstone has no valid MAC", findings[7].Finding, StringComparison.Ordinal);
        foreach (var id in new[] { grainId, $"accessgrant/{grant.GrantId}", $"principal/{staff}", $"incident/{tenant}/{incidentId}", $"subjectrequest/{tenant}/req-t16", $"datasubject/{tenant}/{fresh}" })
        {
            Assert.Contains(integrity, a => a.Detail.Contains(id, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task APairCopyOneWriteBehindIsACrashAndServedQuietlyWhileOneRolledBackFurtherIsServedAndAlerted()
    {
        // Three writes; the pair's copy is then put back to the second (as a crash between the own and the pair write of
        // the third leaves it), then to the first (which no crash or backlog explains).
        var since = DateTimeOffset.UtcNow;
        var tenant = Platform.NewId("pairback");
        var app = platform.Subjects(tenant);
        var grainId = $"datasubject/{tenant}/s1";
        var versions = new List<TableEntity>();
        foreach (var n in new[] { 1, 2, 3 })
        {
            await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact($"v{n}@example.org") });
            versions.Add(await RowAsync(platform.PairAzurite, grainId));
        }

        var read = () => app.GetRecordAsync(new GetRecordRequest { TenantId = tenant, SubjectId = "s1", Category = "contact", Purpose = "billing" }).ResponseAsync;
        var pairStates = platform.PairAzurite.Tables.GetTableClient("CustodianState");
        async Task<IReadOnlyList<SecurityAlert>> AlertsAsync() =>
            [.. (await platform.SiloGrains.GetGrain<ISecurityAlertsGrain>(Platform.Region).ListAsync(since, 100)).Where(a => a.Rule == "state-integrity" && a.Detail.Contains(grainId, StringComparison.Ordinal))];

        // Act 1: one write behind
        await pairStates.UpdateEntityAsync(StateRowCopy(versions[1]), ETag.All, TableUpdateMode.Replace);
        await Deactivate();
        var afterCrash = (await read()).Record.Fields["email"];
        var alertsAfterCrash = await AlertsAsync();

        // Act 2: two writes behind
        await pairStates.UpdateEntityAsync(StateRowCopy(versions[0]), ETag.All, TableUpdateMode.Replace);
        await Deactivate();
        var afterRollback = (await read()).Record.Fields["email"];
        var alertsAfterRollback = await AlertsAsync();

        // Act 3: the next write replaces the pair's copy
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("v4@example.org") });
        var repaired = Envelope(await RowAsync(platform.PairAzurite, grainId));

        // Assert
        Assert.Equal("v3@example.org", afterCrash);
        Assert.Empty(alertsAfterCrash);
        Assert.Equal("v3@example.org", afterRollback);
        var alert = Assert.Single(alertsAfterRollback);
        output.WriteLine($"alert: {alert.Detail}");
        Assert.Contains("the copy in eu-north is older (epoch 1, version 1", alert.Detail, StringComparison.Ordinal);
        Assert.Equal(4, repaired["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task AForgedNewerPairCopyDoesNotMakeTheNextWriteStale()
    {
        // Someone who can write only to the pair's account plants a copy claiming a much later write.
        var tenant = Platform.NewId("planted");
        var app = platform.Subjects(tenant);
        var grainId = $"datasubject/{tenant}/s1";
        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("v1@example.org") });
        var pairRow = await RowAsync(platform.PairAzurite, grainId);
        var planted = Envelope(pairRow);
        planted["version"] = 999;
        await platform.PairAzurite.Tables.GetTableClient("CustodianState").UpdateEntityAsync(
            new TableEntity(pairRow.PartitionKey, pairRow.RowKey) { ["Data"] = System.Text.Encoding.UTF8.GetBytes(planted.ToJsonString()) }, ETag.All, TableUpdateMode.Replace);

        await app.PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = "s1", Record = SampleRecords.Contact("v2@example.org") });

        Assert.Equal(2, Envelope(await RowAsync(platform.PairAzurite, grainId))["version"]!.GetValue<long>());
        Assert.Equal(Data(await RowAsync(platform.Azurite, grainId)), Data(await RowAsync(platform.PairAzurite, grainId)));
    }

    /// <summary>
    /// Stores the state as it is, changes it, puts the earlier envelope back in this region and judges what follows:
    /// returns the finding the refusal named.
    /// </summary>
    private async Task<(string, string)> RollbackAsync(string kind, string scopeTenant, string grainId, Func<Task> change, Func<Task> read)
    {
        await read();
        var before = await RowAsync(platform.Azurite, grainId);
        await change();
        var after = await RowAsync(platform.Azurite, grainId);
        Assert.NotEqual(Envelope(before)["version"]!.GetValue<long>(), Envelope(after)["version"]!.GetValue<long>());
        return (kind, await TamperAsync(kind, scopeTenant, grainId, read, row => ReplaceAsync(row, Envelope(before)), checkedAfter: true));
    }

    private async Task<(string, string)> TamperCaseAsync(string kind, string scopeTenant, string grainId, Func<Task> read, Func<TableEntity, Task> tamper) =>
        (kind, await TamperAsync(kind, scopeTenant, grainId, read, tamper));

    /// <summary>
    /// Tampers with this region's state row of the grain, lets it activate again, and asserts that the read is refused
    /// with DATA_LOSS, that neither stored copy changed, and that a resync of the tenant repairs it (the read succeeds).
    /// </summary>
    private async Task<string> TamperAsync(string kind, string scopeTenant, string grainId, Func<Task> read, Func<TableEntity, Task> tamper, bool checkedAfter = false)
    {
        if (!checkedAfter)
        {
            await read();
        }

        var good = await RowAsync(platform.Azurite, grainId);
        var pairCopy = await RowAsync(platform.PairAzurite, grainId);
        await tamper(good);
        var tampered = await StoredEnvelopes.RowOfAsync(platform.Azurite, grainId);
        await Deactivate();

        var refused = await RefusalAsync(kind, read);
        var again = await RefusalAsync(kind, read); // still refused: nothing was "healed" by reading

        Assert.Equal(refused, again);
        Assert.DoesNotContain(grainId, refused, StringComparison.Ordinal);
        Assert.Equal(Data(tampered), Data(await StoredEnvelopes.RowOfAsync(platform.Azurite, grainId)));
        Assert.Equal(Data(pairCopy), Data(await StoredEnvelopes.RowOfAsync(platform.PairAzurite, grainId)));

        var report = await new RegionsClient(platform.Channel(platform.Token(null, "officer"))).ResyncAsync(new ResyncRequest { TenantId = scopeTenant });
        var states = report.Counts.Single(c => c.Kind == "states");
        Assert.True(states.Repaired >= 1, $"{kind}: the resync repaired nothing: {states}");
        Assert.Contains($"repaired in {Platform.Region}", states.Note, StringComparison.Ordinal);
        Assert.Equal(Data(pairCopy), Data(await StoredEnvelopes.RowOfAsync(platform.Azurite, grainId)));
        await Deactivate();
        try
        {
            await read(); // served again, from the repaired copy
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.DataLoss)
        {
            // served, and refused for what the state now says (an objection): the caller checks that
        }

        return refused;
    }

    /// <summary>
    /// The finding a refused read names: through the gateway, a DATA_LOSS status (which does not name the grain); inside
    /// the silo, the integrity exception.
    /// </summary>
    private static async Task<string> RefusalAsync(string kind, Func<Task> read)
    {
        try
        {
            await read();
        }
        catch (RpcException e)
        {
            Assert.True(e.StatusCode == StatusCode.DataLoss, $"{kind}: {e.Status}");
            Assert.StartsWith("The stored record was refused: ", e.Status.Detail, StringComparison.Ordinal);
            return e.Status.Detail["The stored record was refused: ".Length..];
        }
        catch (Custodian.Storage.StoredStateIntegrityException e)
        {
            Assert.NotEmpty(e.Finding);
            return e.Finding;
        }

        Assert.Fail($"{kind}: the read was served");
        return "";
    }

    private Task Deactivate() => platform.SiloGrains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    private static async Task<TableEntity> RowAsync(AzuriteServer azurite, string grainId) =>
        await StoredEnvelopes.RowOfAsync(azurite, grainId) ?? throw new InvalidOperationException($"no state row of {grainId}");

    private static TableEntity StateRowCopy(TableEntity row) => new(row.PartitionKey, row.RowKey) { ["Data"] = row.GetBinary("Data") };

    private static JsonObject Envelope(TableEntity row) => JsonNode.Parse(row.GetBinary("Data"))!.AsObject();

    private static string? Data(TableEntity? row) => row?.GetBinary("Data") is { } data ? Convert.ToBase64String(data) : null;

    private Task ReplaceAsync(TableEntity row, JsonObject envelope) =>
        platform.Azurite.Tables.GetTableClient("CustodianState").UpdateEntityAsync(
            new TableEntity(row.PartitionKey, row.RowKey) { ["Data"] = System.Text.Encoding.UTF8.GetBytes(envelope.ToJsonString()) }, ETag.All, TableUpdateMode.Replace);
}
