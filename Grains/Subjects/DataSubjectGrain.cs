using System.Collections.Immutable;
using Custodian.Storage;
using Custodian.Validation;
using Microsoft.Extensions.Logging;

namespace Custodian.Subjects;

/// <summary>
/// One data subject's personal data and the state of its rights (restriction, objections, recipients,
/// legal hold), persisted encrypted through the <c>secure</c> storage. Every change is written before
/// it is reported; a failed write leaves the grain as storage holds it.
/// </summary>
public sealed class DataSubjectGrain(
    [PersistentState("subject", "secure")] IPersistentState<DataSubjectState> state,
    ILogger<DataSubjectGrain> logger,
    TimeProvider timeProvider) : Grain, IDataSubjectGrain
{
    private string Key => this.GetPrimaryKeyString();

    public async Task<PutRecordResult> PutRecordAsync(PersonalDataRecord record)
    {
        if (state.State.Erasure is { } erasure)
        {
            return PutRecordResult.Erased(erasure);
        }

        var violations = record.Validate("record.");
        if (violations.Count > 0)
        {
            return PutRecordResult.Rejected(violations);
        }

        var now = timeProvider.GetUtcNow();
        await ChangeAsync(s => s.Records = s.Records.SetItem(record.Category, new StoredRecord(record, now, s.Version)));
        SubjectLog.RecordStored(logger, Key, record.Category, record.Fields.Count);
        return PutRecordResult.StoredAt(now);
    }

    public Task<RecordLookup> GetRecordAsync(string category, string purpose)
    {
        if (state.State.Erasure is { } erasure)
        {
            return Task.FromResult(new RecordLookup(null, erasure));
        }

        var refusal = RefusalFor(ProcessingPurposes.Normalize(purpose));
        return Task.FromResult(refusal == ReadRefusal.None
            ? new RecordLookup(state.State.Records.GetValueOrDefault(category), null)
            : new RecordLookup(null, null, refusal));
    }

    public Task<CategoryListing> ListCategoriesAsync() =>
        Task.FromResult(new CategoryListing(
            [.. state.State.Records.Values.Select(r => new CategorySummary(r.Record.Category, r.Record.Purpose, r.Record.LegalBasis, r.Record.Fields.Count, r.UpdatedAt))],
            state.State.Erasure));

    public Task<RectificationPlan> PlanRectificationAsync(string category, ImmutableSortedDictionary<string, string> fields) =>
        Task.FromResult(Plan(category, fields).Plan);

    public async Task<RectificationResult> ApplyRectificationAsync(string category, ImmutableSortedDictionary<string, string> fields, long version)
    {
        var (plan, rectified) = Plan(category, fields);
        if (plan.Erasure is { } erasure)
        {
            return new RectificationResult(null, [], erasure, []);
        }

        // The digests the caller recorded describe the record at the planned version: anything else is not what they prove.
        if (plan.NoSuchCategory || plan.Version != version)
        {
            SubjectLog.RectificationChangedMeanwhile(logger, Key, category);
            return new RectificationResult(null, [], null, [], ChangedMeanwhile: true);
        }

        if (!plan.IsValid)
        {
            return new RectificationResult(null, plan.Violations, null, []);
        }

        var now = timeProvider.GetUtcNow();
        await ChangeAsync(s => s.Records = s.Records.SetItem(category, new StoredRecord(rectified!, now, s.Version)));
        var queued = await NotifyAsync(RecipientsOf([category]), SubjectChangeKind.Rectified, now);
        SubjectLog.Rectified(logger, Key, category, plan.Changes.Length, queued);
        return new RectificationResult(now, [], null, plan.Changes, queued);
    }

    public async Task<SubjectChange> RestrictAsync(RestrictionGround ground, string actor)
    {
        if (state.State.Erasure is { } erasure)
        {
            return SubjectChange.Erased(erasure);
        }

        if (!Enum.IsDefined(ground) || ground == RestrictionGround.Unspecified)
        {
            return SubjectChange.Refused("A restriction needs its ground, Art. 18(1)(a)-(d).");
        }

        if (state.State.Restriction is not null)
        {
            return SubjectChange.Refused("Processing of this subject is already restricted.");
        }

        var now = timeProvider.GetUtcNow();
        await ChangeAsync(s => s.Restriction = new Restriction(ground, now, actor));
        var queued = await NotifyAsync(RecipientsOf(state.State.Records.Keys), SubjectChangeKind.Restricted, now);
        SubjectLog.Restricted(logger, Key, ground, queued);
        return SubjectChange.DoneAt(now, queued);
    }

    public async Task<SubjectChange> LiftRestrictionAsync(DateTimeOffset subjectInformedAt, string actor)
    {
        if (state.State.Erasure is { } erasure)
        {
            return SubjectChange.Erased(erasure);
        }

        if (state.State.Restriction is not { } restriction)
        {
            return SubjectChange.Refused("Processing of this subject is not restricted.");
        }

        var now = timeProvider.GetUtcNow();
        if (subjectInformedAt > now || subjectInformedAt < restriction.Since)
        {
            return SubjectChange.Refused("Art. 18(3): the subject must be informed before the restriction is lifted; give when they were informed, after the restriction began and not in the future.");
        }

        await ChangeAsync(s => s.Restriction = null);
        SubjectLog.RestrictionLifted(logger, Key);
        return SubjectChange.DoneAt(now);
    }

    public async Task<SubjectChange> ObjectAsync(string purpose, bool directMarketing)
    {
        if (state.State.Erasure is { } erasure)
        {
            return SubjectChange.Erased(erasure);
        }

        var key = ProcessingPurposes.Normalize(purpose);
        if (state.State.Objections.ContainsKey(key))
        {
            return SubjectChange.Refused("The subject already objected to processing for this purpose.");
        }

        var now = timeProvider.GetUtcNow();
        var objection = new Objection(key, now, directMarketing || ProcessingPurposes.DirectMarketing.Contains(key));
        await ChangeAsync(s => s.Objections = s.Objections.Add(key, objection));
        SubjectLog.Objected(logger, Key, key, objection.DirectMarketing);
        return SubjectChange.DoneAt(now);
    }

    public async Task<SubjectChange> RecordCompellingGroundsAsync(string purpose, string grounds)
    {
        if (state.State.Erasure is { } erasure)
        {
            return SubjectChange.Erased(erasure);
        }

        var key = ProcessingPurposes.Normalize(purpose);
        if (!state.State.Objections.TryGetValue(key, out var objection))
        {
            return SubjectChange.Refused("The subject has not objected to processing for this purpose.");
        }

        if (objection.DirectMarketing)
        {
            return SubjectChange.Refused("Art. 21(3): an objection to direct marketing is absolute; no grounds override it.");
        }

        if (objection.CompellingGrounds is not null)
        {
            return SubjectChange.Refused("Compelling grounds are already recorded for this objection.");
        }

        var now = timeProvider.GetUtcNow();
        await ChangeAsync(s => s.Objections = s.Objections.SetItem(key, objection with { CompellingGrounds = grounds, GroundsRecordedAt = now }));
        SubjectLog.GroundsRecorded(logger, Key, key);
        return SubjectChange.DoneAt(now);
    }

    public async Task<SubjectChange> SetRecipientsAsync(string category, ImmutableArray<Recipient> recipients)
    {
        if (state.State.Erasure is { } erasure)
        {
            return SubjectChange.Erased(erasure);
        }

        var now = timeProvider.GetUtcNow();
        await ChangeAsync(s => s.Recipients = recipients.IsDefaultOrEmpty ? s.Recipients.Remove(category) : s.Recipients.SetItem(category, recipients));
        SubjectLog.RecipientsSet(logger, Key, category, recipients.IsDefault ? 0 : recipients.Length);
        return SubjectChange.DoneAt(now);
    }

    public Task<SubjectRightsState> GetRightsStateAsync() =>
        Task.FromResult(new SubjectRightsState(state.State.Erasure, state.State.Restriction, [.. state.State.Objections.Keys], state.State.Hold));

    public Task<RecipientListing> GetRecipientsAsync() =>
        Task.FromResult(new RecipientListing(state.State.Erasure is null ? state.State.Recipients : ImmutableSortedDictionary<string, ImmutableArray<Recipient>>.Empty, state.State.Erasure));

    public async Task<SubjectChange> PlaceLegalHoldAsync(LegalHold hold)
    {
        if (state.State.Erasure is { } erasure)
        {
            return SubjectChange.Erased(erasure);
        }

        if (!Enum.IsDefined(hold.Ground) || hold.Ground == ErasureException.Unspecified)
        {
            return SubjectChange.Refused("A legal hold needs its ground, Art. 17(3)(a)-(e).");
        }

        var now = timeProvider.GetUtcNow();
        await ChangeAsync(s => s.Hold = hold with { Since = now });
        SubjectLog.HoldPlaced(logger, Key, hold.Ground);
        return SubjectChange.DoneAt(now);
    }

    public async Task<SubjectChange> ReleaseLegalHoldAsync()
    {
        if (state.State.Erasure is { } erasure)
        {
            return SubjectChange.Erased(erasure);
        }

        if (state.State.Hold is null)
        {
            return SubjectChange.Refused("No legal hold is placed on this subject.");
        }

        var now = timeProvider.GetUtcNow();
        await ChangeAsync(s => s.Hold = null);
        SubjectLog.HoldReleased(logger, Key);
        return SubjectChange.DoneAt(now);
    }

    public Task<SubjectExport> ExportAsync(bool portability)
    {
        var s = state.State;
        if (s.Erasure is { } erasure)
        {
            return Task.FromResult(new SubjectExport([], ImmutableSortedDictionary<string, ImmutableArray<Recipient>>.Empty, null, [], null, erasure));
        }

        var records = s.Records.Values.Where(r => !portability || r.Record.ProvidedBySubject).ToImmutableArray();
        return Task.FromResult(new SubjectExport(records, s.Recipients, s.Restriction, [.. s.Objections.Values], s.Hold, null));
    }

    public async Task<ErasureResult> EraseAsync(string actor, string reason, bool partial)
    {
        // Erased with a receipt: done. Erased without one (a copy whose key is gone): write the tombstone and receipt now.
        if (state.State.Erasure is { ReceiptId.Length: > 0 } done)
        {
            return new ErasureResult(done, [], [], null);
        }

        var now = timeProvider.GetUtcNow();
        if (state.State.Hold is { } hold)
        {
            var kept = state.State.Records.Keys.Where(c => hold.Covers(c) || !partial).ToImmutableArray();
            var erased = state.State.Records.Keys.Where(c => !hold.Covers(c) && partial).ToImmutableArray();
            if (erased.Length > 0)
            {
                await ChangeAsync(s => s.Records = s.Records.RemoveRange(erased));
            }

            var queuedPartial = await NotifyAsync(RecipientsOf(erased), SubjectChangeKind.Erased, now);
            SubjectLog.ErasureHeld(logger, Key, hold.Ground, erased.Length, kept.Length);
            return new ErasureResult(null, erased, kept, hold, queuedPartial);
        }

        var recipients = RecipientsOf(state.State.Records.Keys);
        state.State.Erasure = ErasureRecord.New(now, actor, reason);
        try
        {
            await state.ClearStateAsync();
        }
        catch
        {
            // The key may already be gone: start again from what storage holds.
            state.State.Erasure = null;
            DeactivateOnIdle();
            throw;
        }

        var erasure = state.State.Erasure ?? throw new InvalidOperationException("The secure storage did not mark the cleared state as erased.");
        DeactivateOnIdle();
        var queued = await NotifyAsync(recipients, SubjectChangeKind.Erased, now);
        SubjectLog.Shredded(logger, Key, erasure.ReceiptId, queued);
        return new ErasureResult(erasure, [], [], null, queued);
    }

    /// <summary>
    /// The rectification of <paramref name="fields"/> of <paramref name="category"/> as the record now stands: the
    /// plan (changes, the record's version, or why it cannot be made) and the rectified record when it can.
    /// </summary>
    private (RectificationPlan Plan, PersonalDataRecord? Rectified) Plan(string category, ImmutableSortedDictionary<string, string> fields)
    {
        if (state.State.Erasure is { } erasure)
        {
            return (new RectificationPlan([], erasure, [], 0), null);
        }

        if (!state.State.Records.TryGetValue(category, out var stored))
        {
            return (new RectificationPlan([new FieldViolation("category", "the subject has no record in this category")], null, [], 0, NoSuchCategory: true), null);
        }

        var violations = new List<FieldViolation>();
        if (fields.IsEmpty)
        {
            violations.Add(new FieldViolation("fields", "needs at least one field to rectify"));
        }

        foreach (var name in fields.Keys.Where(f => !stored.Record.Fields.ContainsKey(f)))
        {
            violations.Add(new FieldViolation("fields", $"the record has no field '{name}'; rectification changes existing fields only"));
        }

        var rectified = stored.Record with { Fields = stored.Record.Fields.SetItems(fields) };
        if (violations.Count == 0)
        {
            violations.AddRange(rectified.Validate());
        }

        if (violations.Count > 0)
        {
            return (new RectificationPlan([.. violations], null, [], stored.Version), null);
        }

        var changes = fields.Where(f => stored.Record.Fields[f.Key] != f.Value).Select(f => new FieldChange(f.Key, stored.Record.Fields[f.Key], f.Value)).ToImmutableArray();
        return (new RectificationPlan([], null, changes, stored.Version), rectified);
    }

    /// <summary>
    /// Counts one more change, applies <paramref name="change"/> (which may stamp what it writes with the new
    /// <see cref="DataSubjectState.Version"/>) and writes it; if the write fails, the grain goes back to what storage holds.
    /// </summary>
    private async Task ChangeAsync(Action<DataSubjectState> change)
    {
        var before = state.State.Snapshot();
        state.State.Version++;
        change(state.State);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.RestoreFrom(before);
            throw;
        }
    }

    /// <summary>
    /// Queues the Art. 19 notices of a change that is already stored. The change stands if the outbox
    /// cannot take them; that gap is logged and shows as fewer notices queued than recipients.
    /// </summary>
    private async Task<int> NotifyAsync(List<(string Category, Recipient Recipient)> recipients, SubjectChangeKind change, DateTimeOffset at)
    {
        try
        {
            return await RecipientNotices.QueueAsync(GrainFactory, Key, recipients, change, at);
        }
        catch (Exception e)
        {
            SubjectLog.NoticesNotQueued(logger, e.GetType().Name, Key, change, recipients.Count);
            return 0;
        }
    }

    private ReadRefusal RefusalFor(string purpose)
    {
        if (state.State.Restriction is not null && !ProcessingPurposes.AllowedWhileRestricted.Contains(purpose))
        {
            return ReadRefusal.Restricted;
        }

        return state.State.Objections.TryGetValue(purpose, out var objection) && objection.StopsProcessing
            ? ReadRefusal.Objected
            : ReadRefusal.None;
    }

    private List<(string Category, Recipient Recipient)> RecipientsOf(IEnumerable<string> categories) =>
        [.. categories.SelectMany(c => state.State.Recipients.GetValueOrDefault(c, []).Select(r => (c, r)))];
}
