using System.Collections.Immutable;
using System.Globalization;
using Custodian.Audit;
using Custodian.Idempotency;
using Custodian.Keys;
using Custodian.Mail;
using Custodian.Subjects;
using Custodian.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Custodian.Incidents;

/// <summary>
/// A breach incident, encrypted at rest like every state that may describe people. Transitions follow
/// <see cref="IncidentLifecycle"/>; a refused one changes nothing and a failed write leaves the incident as it was.
/// A reminder wakes the grain at the next escalation point or the 72-hour deadline; each tick recomputes what is
/// due from the stored times, so a duplicate or lost tick never repeats or skips an escalation. Escalations and
/// notices go to the audit trail first (ids and counts only), then into the outbox of this incident
/// (<c>incident:tenant/incident</c>) under stable message ids, then into the state; a retry after a failure in
/// between finds the same mails already queued.
/// </summary>
public sealed class IncidentGrain(
    [PersistentState("incident", "secure")] IPersistentState<IncidentState> state,
    IOptions<IncidentsOptions> options,
    IAuditTrail trail,
    IKeyCustody keys,
    IAuditPseudonyms pseudonyms,
    ILogger<IncidentGrain> logger,
    [FromKeyedServices(IncidentsOptions.ClockKey)] TimeProvider timeProvider) : Grain, IIncidentGrain, IRemindable
{
    /// <summary>The actor escalations and the overdue flag are recorded as.</summary>
    public const string Actor = "custodian:incidents";

    /// <summary>The purpose a subject's contact record is read for (Art. 34 notice, a legal obligation).</summary>
    public const string NoticePurpose = "breach-notification";

    private readonly IncidentsOptions _options = options.Value;

    public async Task<Incident> OpenDraftAsync(DateTimeOffset awareAt, string nature, string openedBy, string? alertId)
    {
        if (state.State.Incident is { } existing)
        {
            return existing;
        }

        var (tenantId, incidentId) = Key();
        var draft = IncidentLifecycle.Draft(tenantId, incidentId, awareAt, nature, openedBy, alertId, timeProvider.GetUtcNow());
        await SaveAsync(draft);
        await ScheduleAsync(draft);
        IncidentLog.Transition(logger, tenantId, incidentId, "drafted", openedBy, draft.Status);
        return draft;
    }

    public Task<IncidentResult> OpenAsync(IncidentOpening opening) => OpenAsync(opening, idempotencyKey: null);

    public async Task<IncidentResult> OpenAsync(IncidentOpening opening, string? idempotencyKey)
    {
        var violations = new List<FieldViolation>();
        IdempotencyKeys.Check(idempotencyKey, violations);
        if (violations.Count > 0)
        {
            return IncidentResult.Invalid(violations);
        }

        var fingerprint = idempotencyKey is null ? null : Fingerprint(opening);
        if (state.State.Incident is { } opened)
        {
            if (idempotencyKey is null || state.State.OpenedUnder is not { } earlier || earlier.Key != idempotencyKey)
            {
                return IncidentResult.Refused("An incident with this id was already opened.");
            }

            return earlier.Fingerprint == fingerprint
                ? IncidentResult.Ok(opened)
                : IncidentResult.Refused("The idempotency-key was already used to open this incident with different facts; use a fresh key for each write.");
        }

        var (tenantId, incidentId) = Key();
        var now = timeProvider.GetUtcNow();
        var next = IncidentLifecycle.Open(tenantId, incidentId, opening, now);
        state.State.OpenedUnder = next.Incident is not null && idempotencyKey is not null ? new KeyedWrite(idempotencyKey, fingerprint!, now) : null;
        IncidentResult result;
        try
        {
            result = await ApplyAsync(next, opening.OpenedBy);
        }
        finally
        {
            if (state.State.Incident is null)
            {
                state.State.OpenedUnder = null; // not opened: the key was not stored either
            }
        }

        // Points already past at opening (awareness long ago) are sent now, each once.
        return result.Incident is not null ? IncidentResult.Ok(await CheckDeadlinesAsync() ?? result.Incident) : result;
    }

    public Task<Incident?> GetAsync() => Task.FromResult(state.State.Incident);

    public Task<IncidentResult> UpdateAsync(IncidentFacts facts, string actor) =>
        TransitionAsync(i => IncidentLifecycle.Update(i, facts, actor, timeProvider.GetUtcNow()), actor);

    public Task<IncidentResult> ConfirmAsync(string actor) =>
        TransitionAsync(i => IncidentLifecycle.Confirm(i, actor, timeProvider.GetUtcNow()), actor);

    public Task<IncidentResult> CloseAsync(string actor) =>
        TransitionAsync(i => IncidentLifecycle.Close(i, actor, timeProvider.GetUtcNow()), actor);

    public async Task<IncidentResult> SendNoticeAsync(NoticeRequest notice, string actor)
    {
        if (state.State.Incident is not { } incident)
        {
            return IncidentResult.Missing();
        }

        var now = timeProvider.GetUtcNow();
        var (prepared, refusal) = IncidentLifecycle.PrepareNotice(incident, notice, actor, now);
        if (prepared is null)
        {
            return refusal!;
        }

        var (recipients, exempt, unreachable, unconfigured) = await RecipientsAsync(incident, notice.Audience, actor);
        if (unconfigured.Length > 0)
        {
            return IncidentResult.Refused(
                $"No {(notice.Audience == NoticeAudience.Authority ? "supervisory authority" : "customer contact")} address is configured for tenant(s) {string.Join(", ", unconfigured)} "
                + $"({IncidentsOptions.Section}:Tenants:<tenant>:{(notice.Audience == NoticeAudience.Authority ? nameof(TenantContacts.AuthorityEmail) : nameof(TenantContacts.ContactEmail))}).");
        }

        var mails = recipients
            .Select((r, i) => IncidentMails.Notice(incident, prepared, r.Tenant, r.Address, i, notice.Culture ?? CultureOf(r.Tenant), Target(incident)))
            .ToImmutableArray();
        var sent = prepared with { MessageIds = [.. mails.Select(m => m.MessageId)], ExemptSubjects = exempt, UnreachableSubjects = unreachable };
        var next = IncidentLifecycle.Sent(incident, sent);

        // The trail first, then the outbox (idempotent by message id), then the state.
        await AuditAsync([new AuditRecord(now, actor, "Incident:Notice", Target(incident),
            $"notice {sent.Number} {sent.Audience} {sent.Phase}: {mails.Length} mail(s), late={sent.Late}, exempt={exempt.Length}, unreachable={unreachable.Length}", "-", "")]);
        await EnqueueAsync(mails);
        await SaveAsync(next);
        IncidentLog.NoticeQueued(logger, next.TenantId, next.IncidentId, sent.Number, sent.Audience, sent.Phase, mails.Length);
        return IncidentResult.Ok(next);
    }

    public Task<ImmutableArray<MailDelivery>> GetDeliveriesAsync() =>
        state.State.Incident is { } incident ? Outbox(incident).ListAsync() : Task.FromResult(ImmutableArray<MailDelivery>.Empty);

    public async Task<Incident?> CheckDeadlinesAsync()
    {
        if (state.State.Incident is not { } incident)
        {
            await UnscheduleAsync();
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var (next, escalate, wentOverdue) = IncidentLifecycle.Tick(incident, _options.EscalationPoints, Actor, now);
        if (escalate.Length > 0 || wentOverdue)
        {
            var target = Target(incident);
            var records = escalate
                .Select(p => new AuditRecord(now, Actor, "Incident:Escalation", target, $"escalated {p.TotalHours:0.##} h after awareness; deadline {incident.DeadlineAt:O}", "-", ""))
                .ToImmutableArray();
            if (wentOverdue)
            {
                records = records.Add(new AuditRecord(now, Actor, "Incident:Overdue", target, $"overdue; the authority notice was due {incident.DeadlineAt:O}", "-", ""));
            }

            await AuditAsync(records);
            await EnqueueAsync([.. escalate.Select(p => IncidentMails.Escalation(incident, p, _options, logger, Target(incident))).OfType<OutgoingMail>()]);
            await SaveAsync(next);
            foreach (var point in escalate)
            {
                IncidentLog.Escalated(logger, next.TenantId, next.IncidentId, point, next.DeadlineAt);
            }

            if (wentOverdue)
            {
                IncidentLog.Overdue(logger, next.TenantId, next.IncidentId, next.DeadlineAt);
            }
        }

        await ScheduleAsync(next);
        return next;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        this.RecordReminderLag(reminderName, status, timeProvider);
        if (await this.WritesHereAsync())
        {
            await CheckDeadlinesAsync();
        }
    }

    /// <summary>After the tenant moved here: acts on what is due and registers the reminder for what comes next.</summary>
    public async Task RearmAsync() => await CheckDeadlinesAsync();

    /// <summary>What an opening asks for, as a <see cref="RecentWrites.Fingerprint"/>: the awareness time, every fact (lists with their length) and who opens it.</summary>
    private static string Fingerprint(IncidentOpening opening)
    {
        var facts = opening.Facts ?? new IncidentFacts();
        static IEnumerable<string?> List(ImmutableArray<string>? items) =>
            items is { } given ? [given.Length.ToString(CultureInfo.InvariantCulture), .. given] : [null];
        return RecentWrites.Fingerprint(
        [
            "OpenIncident", opening.AwareAt.ToString("O", CultureInfo.InvariantCulture), opening.OpenedBy,
            facts.Nature, .. List(facts.SubjectCategories), facts.ApproximateSubjects?.ToString(CultureInfo.InvariantCulture),
            .. List(facts.RecordCategories), facts.ApproximateRecords?.ToString(CultureInfo.InvariantCulture),
            .. List(facts.AffectedTenants), .. List(facts.AffectedSubjects), facts.LikelyConsequences, facts.Measures, facts.ContactPoint,
            facts.Risk?.ToString(), facts.EncryptedAtRest?.ToString(), .. List(facts.CompromisedKeyVersions),
        ]);
    }

    private async Task<IncidentResult> TransitionAsync(Func<Incident, IncidentResult> transition, string actor) =>
        state.State.Incident is { } incident ? await ApplyAsync(transition(incident), actor) : IncidentResult.Missing();

    private async Task<IncidentResult> ApplyAsync(IncidentResult result, string actor)
    {
        if (result.Incident is not { } next)
        {
            return result;
        }

        await SaveAsync(next);
        await ScheduleAsync(next);
        IncidentLog.Transition(logger, next.TenantId, next.IncidentId, next.History[^1].Action, actor, next.Status);
        return result;
    }

    /// <summary>Stores the incident (restoring the previous one in memory if the write fails), then updates the register.</summary>
    private async Task SaveAsync(Incident next)
    {
        var previous = state.State.Incident;
        state.State.Incident = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Incident = previous;
            throw;
        }

        try
        {
            await GrainFactory.GetGrain<IIncidentRegisterGrain>(IIncidentRegisterGrain.Key).UpsertAsync(IncidentSummary.Of(next));
        }
        catch (Exception e)
        {
            IncidentLog.RegisterNotUpdated(logger, e, next.TenantId, next.IncidentId);
        }
    }

    private async Task EnqueueAsync(ImmutableArray<OutgoingMail> mails)
    {
        if (mails.IsEmpty || state.State.Incident is not { } incident)
        {
            return;
        }

        var outbox = Outbox(incident);
        var results = await Task.WhenAll(mails.Select(outbox.EnqueueAsync));
        if (results.FirstOrDefault(r => !r.IsStored) is { } failed)
        {
            // Message ids are derived from the stored incident, so this is a bug, not a caller's mistake.
            throw new InvalidOperationException($"The outbox refused a mail of incident {incident.TenantId}/{incident.IncidentId}: {failed.Outcome}.");
        }
    }

    private async Task<(ImmutableArray<(string Tenant, string Address)> Recipients, ImmutableArray<string> Exempt, ImmutableArray<string> Unreachable, ImmutableArray<string> Unconfigured)>
        RecipientsAsync(Incident incident, NoticeAudience audience, string actor)
    {
        if (audience != NoticeAudience.Subjects)
        {
            var contacts = incident.NoticeTenants
                .Select(t => (Tenant: t, Address: _options.Tenants.GetValueOrDefault(t) is { } c ? audience == NoticeAudience.Authority ? c.AuthorityEmail : c.ContactEmail : null))
                .ToList();
            return ([.. contacts.Where(c => !string.IsNullOrEmpty(c.Address)).Select(c => (c.Tenant, c.Address!))], [], [],
                [.. contacts.Where(c => string.IsNullOrEmpty(c.Address)).Select(c => c.Tenant)]);
        }

        // Art. 34(3)(a), derived per subject: the affected data is the encrypted state, and the key-encryption-key
        // version that wraps this subject's data key is not among the compromised ones (or its data key is gone),
        // so its data is unintelligible to whoever holds it. Unknown compromise (no versions given) exempts no one.
        var exempt = ImmutableArray<string>.Empty;
        var reachable = incident.AffectedSubjects;
        if (incident.EncryptedAtRest == true && incident.CompromisedKeyVersions is { } compromised)
        {
            var wrappedBy = await Task.WhenAll(incident.AffectedSubjects.Select(s => keys.KekIdOfAsync(GrainFactory.GetGrain<IDataSubjectGrain>(s).GetGrainId().ToString())));
            var safe = incident.AffectedSubjects.Zip(wrappedBy).Where(p => p.Second is null || !compromised.Contains(p.Second)).Select(p => p.First).ToHashSet(StringComparer.Ordinal);
            exempt = [.. incident.AffectedSubjects.Where(safe.Contains)];
            reachable = [.. incident.AffectedSubjects.Where(s => !safe.Contains(s))];
        }

        // Reading a subject's address is an access to personal data: each is in the trail before it happens (in order, in as
        // many appends as the partition needs; all are durable before the first address is read).
        if (!reachable.IsDefaultOrEmpty)
        {
            var now = timeProvider.GetUtcNow();
            await AuditAsync([.. reachable.Select(s => SubjectRef.FromGrainKey(s)).Select(s => new AuditRecord(
                now, actor, "Incident:ReadContact", pseudonyms.Subject(s.TenantId, s.SubjectId), $"allowed: {NoticePurpose}", "-", Target(incident)))]);
        }

        var lookups = await Task.WhenAll(reachable.Select(async s =>
            (Subject: s, Lookup: await GrainFactory.GetGrain<IDataSubjectGrain>(s).GetRecordAsync(_options.ContactCategory, NoticePurpose))));
        var recipients = ImmutableArray.CreateBuilder<(string, string)>();
        var unreachable = ImmutableArray.CreateBuilder<string>();
        foreach (var (subject, lookup) in lookups)
        {
            if (lookup.Record?.Record.Fields.GetValueOrDefault(_options.ContactField) is { } address
                && EmailAddresses.IsPlain(address))
            {
                recipients.Add((subject[..subject.IndexOf('/', StringComparison.Ordinal)], address));
            }
            else
            {
                unreachable.Add(subject);
            }
        }

        return (recipients.ToImmutable(), exempt, unreachable.ToImmutable(), []);
    }

    private string? CultureOf(string tenant) => _options.Tenants.GetValueOrDefault(tenant)?.Culture;

    private Task AuditAsync(ImmutableArray<AuditRecord> records) => trail.WriteAsync(records);

    private IMailOutboxGrain Outbox(Incident incident) => GrainFactory.GetGrain<IMailOutboxGrain>(Target(incident));

    private static string Target(Incident incident) => $"incident:{incident.TenantId}/{incident.IncidentId}";

    private Task ScheduleAsync(Incident incident)
    {
        var now = timeProvider.GetUtcNow();
        return DeadlineReminder.ScheduleAsync(this, IncidentLifecycle.NextDeadline(incident, _options.EscalationPoints, now), now);
    }

    private Task UnscheduleAsync() => DeadlineReminder.UnscheduleAsync(this);

    /// <summary>The key's tenant and incident id; a key without a tenant (an early draft) belongs to the provider.</summary>
    private (string TenantId, string IncidentId) Key()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (Incident.ProviderTenant, key) : (key[..slash], key[(slash + 1)..]);
    }
}
