using System.Collections.Immutable;
using Custodian.Incidents;
using Custodian.Keys;
using Custodian.Mail;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Custodian.Tests.Incidents;

[Collection(IncidentsCollection.Name)]
public sealed class IncidentNoticeTests(IncidentsPlatform platform)
{
    private const string Officer = "officer-test";

    [Fact]
    public async Task AFirstPhaseWithPartialContentIsAcceptedAndAFinalNoticeWithMissingContentIsRefusedNamingTheParts()
    {
        // Arrange: only the nature and some numbers are known
        var (grain, _) = await platform.OpenAsync(IncidentsPlatform.Globex, TimeSpan.FromHours(2),
            new IncidentFacts(Nature: "Unusual bulk export by a service account", ApproximateSubjects: 300, AffectedTenants: [IncidentsPlatform.Globex]));

        // Act
        var final = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Authority, NoticePhase.Final), Officer);
        var first = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Authority, NoticePhase.First), Officer);
        var secondFirst = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Authority, NoticePhase.First), Officer);
        await grain.UpdateAsync(IncidentsPlatform.CompleteFacts([IncidentsPlatform.Globex]), Officer);
        var followUp = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Authority, NoticePhase.Final), Officer);

        // Assert: the refusal names every missing Art. 33(3) part; the first phase says what follows; the final one references it
        Assert.Null(final.Incident);
        string[] missing = ["subject_categories", "record_categories", "approximate_records", "contact_point", "likely_consequences", "measures"];
        Assert.Equal(missing, final.MissingParts);
        Assert.All(missing, m => Assert.Contains(m, final.Refusal));
        var firstNotice = Assert.Single(first.Incident!.Notices);
        Assert.Equal(missing, firstNotice.MissingParts);
        Assert.Contains("first phase", secondFirst.Refusal);
        var followUpNotice = followUp.Incident!.Notices[^1];
        Assert.Equal([firstNotice.Number], followUpNotice.References.AsEnumerable());
        var firstMail = await ReceivedOnceAsync(firstNotice.MessageIds[0]);
        Assert.Contains("Unusual bulk export", firstMail.Body);
        Assert.Contains("Still to follow in a later phase: " + string.Join(", ", missing), firstMail.Body);
        var followUpMail = await ReceivedOnceAsync(followUpNotice.MessageIds[0]);
        Assert.Contains("Earlier notices of this breach:", followUpMail.Body);
        Assert.Contains($"  - {firstNotice.Number}: first phase", followUpMail.Body);
        Assert.DoesNotContain("Still to follow", followUpMail.Body);
    }

    [Fact]
    public async Task TheMailsCarryTheArticle33ContentAndNoPersonalDataBeyondWhatEachNoticeRequires()
    {
        // Arrange: a high-risk breach of data read in clear, two reachable subjects and one without a contact record
        var s1 = Platform.NewId("s");
        var s2 = Platform.NewId("s");
        var s3 = Platform.NewId("s");
        var email1 = s1 + "@people.test";
        var email2 = s2 + "@people.test";
        await PutContactAsync(IncidentsPlatform.Acme, s1, email1, "Jane Example");
        await PutContactAsync(IncidentsPlatform.Acme, s2, email2, "John Sample");
        var subjects = ImmutableArray.Create($"{IncidentsPlatform.Acme}/{s1}", $"{IncidentsPlatform.Acme}/{s2}", $"{IncidentsPlatform.Acme}/{s3}");
        var facts = IncidentsPlatform.CompleteFacts([IncidentsPlatform.Acme, IncidentsPlatform.Globex], subjects, RiskLevel.High) with { EncryptedAtRest = false };
        var (grain, opened) = await platform.OpenAsync(IncidentsPlatform.Acme, TimeSpan.FromHours(1), facts);
        var logsBefore = platform.Logs.Lines.Count;

        // Act
        var authority = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Authority, NoticePhase.Final), Officer);
        var customers = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Customer, NoticePhase.Final), Officer);
        var people = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Subjects, NoticePhase.Final), Officer);

        // Assert: authority and customer mails carry (a)-(d) and name no subject
        var authorityMails = await Task.WhenAll(authority.Incident!.Notices[0].MessageIds.Select(ReceivedOnceAsync));
        Assert.Equal([IncidentsPlatform.AuthorityOf(IncidentsPlatform.Acme), IncidentsPlatform.AuthorityOf(IncidentsPlatform.Globex)], authorityMails.Select(m => Assert.Single(m.Recipients)));
        var customerMails = await Task.WhenAll(customers.Incident!.Notices[1].MessageIds.Select(ReceivedOnceAsync));
        Assert.Equal([IncidentsPlatform.ContactOf(IncidentsPlatform.Acme), IncidentsPlatform.ContactOf(IncidentsPlatform.Globex)], customerMails.Select(m => Assert.Single(m.Recipients)));
        foreach (var mail in authorityMails.Concat(customerMails))
        {
            Assert.Contains(facts.Nature!, mail.Body);
            Assert.Contains("customers, employees", mail.Body);
            Assert.Contains("1,200", mail.Body);
            Assert.Contains("contact details, invoices", mail.Body);
            Assert.Contains("5,400", mail.Body);
            Assert.Contains(facts.ContactPoint!, mail.Body);
            Assert.Contains(facts.LikelyConsequences!, mail.Body);
            Assert.Contains(facts.Measures!, mail.Body);
            AssertNames(mail, none: [s1, s2, s3, email1, email2, "Jane Example", "John Sample"]);
        }

        // Each subject gets one plain-language mail at their own address, naming nobody else; the one without an address is listed
        var notice = people.Incident!.Notices[2];
        Assert.Equal([subjects[2]], notice.UnreachableSubjects.AsEnumerable());
        Assert.Empty(notice.ExemptSubjects);
        var subjectMails = await Task.WhenAll(notice.MessageIds.Select(ReceivedOnceAsync));
        Assert.Equal([[email1], [email2]], subjectMails.Select(m => m.Recipients.ToArray()));
        foreach (var mail in subjectMails)
        {
            Assert.Contains("What happened", mail.Body);
            Assert.Contains(facts.ContactPoint!, mail.Body);
            Assert.Contains(facts.LikelyConsequences!, mail.Body);
            Assert.Contains(facts.Measures!, mail.Body);
            AssertNames(mail, none: [s1, s2, s3, "Jane Example", "John Sample", "customers, employees", IncidentsPlatform.Globex]);
        }

        Assert.DoesNotContain(email2, subjectMails[0].Body);
        Assert.DoesNotContain(email1, subjectMails[1].Body);

        // Addresses and pseudonyms stay out of the logs and the audit trail
        var lines = platform.Logs.Lines.Skip(logsBefore).ToList();
        Assert.DoesNotContain(lines, l => l.Contains(email1, StringComparison.Ordinal) || l.Contains(email2, StringComparison.Ordinal) || l.Contains(s1, StringComparison.Ordinal));
        var audit = await platform.AuditEntriesAsync(new Custodian.Audit.AuditQuery(Actor: Officer));
        var mine = audit.Where(e => e.Record.Target.EndsWith(opened.IncidentId, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, mine.Count(e => e.Record.Action == "Incident:Notice"));
        Assert.DoesNotContain(audit, e => e.Record.ToString().Contains(email1, StringComparison.Ordinal) || e.Record.ToString().Contains(s1, StringComparison.Ordinal));

        // ...yet each read of a subject's address is in the trail, under the subject's keyed hash
        var reads = audit.Where(e => e.Record.Action == "Incident:ReadContact" && e.Record.GrantId.EndsWith(opened.IncidentId, StringComparison.Ordinal)).Select(e => e.Record.Target).ToList();
        Assert.Equal(new[] { s1, s2, s3 }.Select(s => platform.AuditKeys.Subject(IncidentsPlatform.Acme, s)).Order(), reads.Order());
    }

    [Fact]
    public async Task SubjectsWhoseDataWasEncryptedUnderKeysNotCompromisedAreListedAsExempt()
    {
        // Arrange: one subject whose data key is wrapped by the KEK version of the time, then a new KEK version
        // (no rewrap job runs) and a second subject whose data key it wraps; the new version is compromised
        var (older, newer) = (Platform.NewId("s"), Platform.NewId("s"));
        await PutContactAsync(IncidentsPlatform.Acme, older, older + "@people.test", "Jane Example");
        var keys = platform.SiloServices.GetRequiredService<IKeyCustody>();
        var compromisedVersion = await keys.AddKekVersionAsync();
        await PutContactAsync(IncidentsPlatform.Acme, newer, newer + "@people.test", "John Example");
        ImmutableArray<string> subjects = [$"{IncidentsPlatform.Acme}/{older}", $"{IncidentsPlatform.Acme}/{newer}"];
        var facts = IncidentsPlatform.CompleteFacts([IncidentsPlatform.Acme], subjects, RiskLevel.High) with { EncryptedAtRest = true, CompromisedKeyVersions = [compromisedVersion] };
        var unknown = facts with { CompromisedKeyVersions = null };
        var (grain, _) = await platform.OpenAsync(IncidentsPlatform.Acme, TimeSpan.FromHours(1), facts);
        var (unknownGrain, _) = await platform.OpenAsync(IncidentsPlatform.Acme, TimeSpan.FromHours(1), unknown);

        // Act
        var sent = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Subjects, NoticePhase.Final), Officer);
        var sentUnknown = await unknownGrain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Subjects, NoticePhase.Final), Officer);

        // Assert: exempt is decided per subject, from the version that wraps its key; unknown compromise exempts no one
        var notice = Assert.Single(sent.Incident!.Notices);
        Assert.Equal([subjects[0]], notice.ExemptSubjects.AsEnumerable());
        var mail = await ReceivedOnceAsync(Assert.Single(notice.MessageIds));
        Assert.Equal([newer + "@people.test"], mail.Recipients);
        var all = Assert.Single(sentUnknown.Incident!.Notices);
        Assert.Empty(all.ExemptSubjects);
        Assert.Equal(2, all.MessageIds.Length);
    }

    [Fact]
    public async Task ANoticeToMoreSubjectsThanOneAuditAppendTakesAuditsEveryReadInOrderAndMailsEachSubject()
    {
        // Arrange: 150 reachable subjects (more than AuditPartitionLimits.MaxBatch), a high-risk breach of data read in clear
        var subjects = Enumerable.Range(0, 150).Select(_ => Platform.NewId("s")).ToList();
        foreach (var subject in subjects)
        {
            await PutContactAsync(IncidentsPlatform.Acme, subject, subject + "@many.test", "Jane Example");
        }

        var officer = new Custodian.Gateway.Protos.Incidents.Incidents.IncidentsClient(platform.Channel(platform.Token(null, "officer")));
        var incidentId = Platform.NewId("inc");
        var facts = new Custodian.Gateway.Protos.Incidents.IncidentFacts
        {
            Nature = "A copy of a storage account was readable from the internet for 3 hours",
            SubjectCategories = new Custodian.Gateway.Protos.Incidents.StringList { Values = { "customers" } },
            ApproximateSubjects = 150,
            RecordCategories = new Custodian.Gateway.Protos.Incidents.StringList { Values = { "contact details" } },
            ApproximateRecords = 150,
            ContactPoint = "Data Protection Officer, dpo@provider.test",
            LikelyConsequences = "Phishing e-mails to the people concerned are possible",
            Measures = "Access closed, keys rotated",
            Risk = Custodian.Gateway.Protos.Incidents.RiskLevel.High,
            EncryptedAtRest = false,
            AffectedSubjects = new Custodian.Gateway.Protos.Incidents.StringList { Values = { subjects.Select(s => $"{IncidentsPlatform.Acme}/{s}") } },
        };
        await officer.OpenIncidentAsync(new Custodian.Gateway.Protos.Incidents.OpenIncidentRequest
        {
            TenantId = IncidentsPlatform.Acme, IncidentId = incidentId, Facts = facts,
            AwareAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(platform.Clock.GetUtcNow().AddHours(-1)),
        });

        // Act
        var sent = await officer.SendNoticeAsync(new Custodian.Gateway.Protos.Incidents.SendNoticeRequest
        {
            TenantId = IncidentsPlatform.Acme, IncidentId = incidentId,
            Audience = Custodian.Gateway.Protos.Incidents.NoticeAudience.Subjects, Phase = Custodian.Gateway.Protos.Incidents.NoticePhase.Final,
        });

        // Assert: one mail per subject, each read of an address in the trail once, in the order of the subjects
        var notice = Assert.Single(sent.Incident.Notices);
        Assert.Equal(150, notice.MessageIds.Count);
        Assert.Empty(notice.UnreachableSubjects);
        var reads = (await platform.AuditEntriesAsync(new Custodian.Audit.AuditQuery(Action: "Incident:ReadContact")))
            .Where(e => e.Record.GrantId.EndsWith(incidentId, StringComparison.Ordinal))
            .OrderBy(e => e.Sequence)
            .Select(e => e.Record.Target)
            .ToList();
        Assert.Equal(subjects.Select(s => platform.AuditKeys.Subject(IncidentsPlatform.Acme, s)), reads);
        var grain = platform.Incident(IncidentsPlatform.Acme, incidentId);
        var delivered = await Poll.UntilAsync(
            async () => await grain.GetDeliveriesAsync() is var list && list.Length == 150 && list.All(d => d.State == MailDeliveryState.Delivered)
                ? list
                : throw new TimeoutException("not every notice was delivered yet"),
            TimeSpan.FromSeconds(90));
        Assert.Equal(notice.MessageIds.Order(), delivered.Select(d => d.MessageId).Order());
        Assert.Equal(subjects.Select(s => s + "@many.test").Order(), notice.MessageIds.Select(id => Assert.Single(Assert.Single(platform.Received(id)).Recipients)).Order());
    }

    [Fact]
    public async Task NoticesQueuedWhileTheRelayIsDownAllArriveOnceItIsBackUnderTheirMessageIds()
    {
        // Arrange: the relay is down
        var (grain, _) = await platform.OpenAsync(IncidentsPlatform.Acme, TimeSpan.FromHours(1),
            IncidentsPlatform.CompleteFacts([IncidentsPlatform.Acme, IncidentsPlatform.Globex]));
        await platform.Mail.StopAsync();
        Incident sent;
        try
        {
            // Act: four notices are sent (stored) and retried while it is down ...
            await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Authority, NoticePhase.Final), Officer);
            sent = (await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Customer, NoticePhase.Final), Officer)).Incident!;
            await Poll.UntilAsync(
                async () => await grain.GetDeliveriesAsync() is var list && list.Length == 4 && list.All(d => d.State == MailDeliveryState.Pending && d.Attempts >= 2)
                    ? true
                    : throw new TimeoutException("not every notice was retried yet"),
                TimeSpan.FromSeconds(30));
        }
        finally
        {
            // ... and the relay comes back
            await platform.Mail.StartAgainAsync();
        }

        var delivered = await Poll.UntilAsync(
            async () => await grain.GetDeliveriesAsync() is var list && list.All(d => d.State == MailDeliveryState.Delivered)
                ? list
                : throw new TimeoutException("not every notice was delivered yet"),
            TimeSpan.FromSeconds(30));

        // Assert: every notice arrived, each under its own id (a duplicate could only repeat an id), with the relay's answer recorded
        var ids = sent.Notices.SelectMany(n => n.MessageIds).ToList();
        Assert.Equal(4, ids.Distinct().Count());
        Assert.Equal(ids.Order(), delivered.Select(d => d.MessageId).Order());
        Assert.All(delivered, d => Assert.False(string.IsNullOrEmpty(d.RelayAnswer)));
        Assert.All(ids, id => Assert.NotEmpty(platform.Received(id)));
        Assert.All(ids, id => Assert.All(platform.Received(id), m => Assert.Single(m.Recipients)));
    }

    [Fact]
    public async Task ANoticeForATenantWithoutAConfiguredAuthorityIsRefusedNamingTheTenant()
    {
        var (grain, _) = await platform.OpenAsync(IncidentsPlatform.Unconfigured, TimeSpan.FromHours(1), IncidentsPlatform.CompleteFacts([IncidentsPlatform.Unconfigured]));

        var result = await grain.SendNoticeAsync(new NoticeRequest(NoticeAudience.Authority, NoticePhase.Final), Officer);

        Assert.Contains(IncidentsPlatform.Unconfigured, result.Refusal);
        Assert.Contains("AuthorityEmail", result.Refusal);
        Assert.Empty((await grain.GetAsync())!.Notices);
    }

    private async Task<ReceivedMail> ReceivedOnceAsync(string messageId) =>
        await Poll.UntilAsync(() => platform.Received(messageId) is [var m] ? Task.FromResult(m) : throw new TimeoutException("not received once: " + messageId), TimeSpan.FromSeconds(30));

    private async Task PutContactAsync(string tenant, string subject, string email, string name)
    {
        var result = await platform.SiloGrains.GetGrain<IDataSubjectGrain>($"{tenant}/{subject}").PutRecordAsync(new PersonalDataRecord(
            "contact", "Account management", LegalBasis.Contract, ImmutableSortedDictionary.CreateRange(new Dictionary<string, string> { ["email"] = email, ["name"] = name })));
        Assert.Empty(result.Violations);
    }

    private static void AssertNames(ReceivedMail mail, string[] none)
    {
        foreach (var value in none)
        {
            Assert.DoesNotContain(value, mail.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(value, mail.Subject, StringComparison.Ordinal);
        }
    }
}
