using System.Collections.Immutable;
using Custodian.Idempotency;
using Custodian.Storage;
using Custodian.Validation;
using Microsoft.Extensions.Logging;

namespace Custodian.Subjects;

/// <summary>
/// One data subject's personal data and the state of its rights (restriction, objections, recipients,
/// legal hold), persisted encrypted through the <c>secure</c> storage. Every change checks its input and the
/// grain's own key with the contracts' rules (the gateway checks the same) and writes nothing when they fail;
/// it is written before it is reported, and a failed write leaves the grain as storage holds it.
/// </summary>
public sealed class DataSubjectGrain(
    [PersistentState("subject", "secure")] IPersistentState<DataSubjectState> state,
    ILogger<DataSubjectGrain> logger,
    TimeProvider timeProvider) : Grain, IDataSubjectGrain
{
    private string Key => this.GetPrimaryKeyString();

    public Task<PutRecordResult> PutRecordAsync(PersonalDataRecord record) => PutRecordAsync(record, idempotencyKey: null);

    public async Task<PutRecordResult> PutRecordAsync(PersonalDataRecord record, string? idempotencyKey)
    {
        if (state.State.Erasure is { } erasure)
        {
            return PutRecordResult.Erased(erasure);
        }

        if (Check(v =>
        {
            PersonalDataRecord.Check(record, "record", v);
            IdempotencyKeys.Check(idempotencyKey, v);
        }) is { Count: > 0 } violations)
        {
            return PutRecordResult.Rejected(violations);
        }

        var fingerprint = idempotencyKey is null ? null : Fingerprint(record);
        if (idempotencyKey is not null && RecentWrites.Find(state.State.KeyedWrites, idempotencyKey) is { } earlier)
        {
            if (earlier.Fingerprint != fingerprint)
            {
                SubjectLog.KeyReused(logger, Key, record.Category);
                return PutRecordResult.KeyUsedForAnotherRecord();
            }

            SubjectLog.RecordRepeated(logger, Key, record.Category);
            return PutRecordResult.RepeatOf(earlier.At);
        }

        var now = timeProvider.GetUtcNow();
        await ChangeAsync(s =>
        {
            s.Records = s.Records.SetItem(record.Category, new StoredRecord(record, now, s.Version));
            if (idempotencyKey is not null)
            {
                s.KeyedWrites = RecentWrites.Add(s.KeyedWrites, new KeyedWrite(idempotencyKey, fingerprint!, now));
            }
        });
        SubjectLog.RecordStored(logger, Key, record.Category, record.Fields.Count);
        return PutRecordResult.StoredAt(now);
    }

    public Task<RecordLookup> GetRecordAsync(string category, string purpose) => Task.FromResult(SubjectReads.Lookup(state.State, category, purpose));

    public Task<CategoryListing> ListCategoriesAsync() => Task.FromResult(SubjectReads.Categories(state.State));

    public Task<RectificationPlan> PlanRectificationAsync(string category, ImmutableSortedDictionary<string, string> fields) =>
        Task.FromResult(SubjectRectification.Plan(state.State, category, fields, Check(v => RectificationPlan.CheckInput(category, fields, v))).Plan);

    public async Task<RectificationResult> ApplyRectificationAsync(string category, ImmutableSortedDictionary<string, string> fields, long version)
    {
        var input = Check(v => RectificationPlan.CheckInput(category, fields, v));
        var (plan, rectified) = SubjectRectification.Plan(state.State, category, fields, input);
        if (plan.Erasure is { } erasure)
        {
            return new RectificationResult(null, [], erasure, []);
        }

        // The digests the caller recorded describe the record at the planned version: anything else is not what they prove.
        if (input.Count == 0 && (plan.NoSuchCategory || plan.Version != version))
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
        if (Refuse(v => Restriction.CheckGround(ground, "ground", v)) is { } refused)
        {
            return refused;
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
        if (Refuse(v => Restriction.CheckLifting(subjectInformedAt, "subject_informed_at", v)) is { } refused)
        {
            return refused;
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
        if (Refuse(v => ProcessingPurposes.Check(purpose, "purpose", v)) is { } refused)
        {
            return refused;
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
        if (Refuse(v =>
        {
            ProcessingPurposes.Check(purpose, "purpose", v);
            Objection.CheckGrounds(grounds, "grounds", v);
        }) is { } refused)
        {
            return refused;
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
        if (Refuse(v =>
        {
            Identifiers.CheckCategory(category, "category", v);
            Recipient.Check(recipients.IsDefault ? [] : recipients, "recipients", v);
        }) is { } refused)
        {
            return refused;
        }

        var now = timeProvider.GetUtcNow();
        await ChangeAsync(s => s.Recipients = recipients.IsDefaultOrEmpty ? s.Recipients.Remove(category) : s.Recipients.SetItem(category, recipients));
        SubjectLog.RecipientsSet(logger, Key, category, recipients.IsDefault ? 0 : recipients.Length);
        return SubjectChange.DoneAt(now);
    }

    public Task<SubjectRightsState> GetRightsStateAsync() => Task.FromResult(SubjectReads.Rights(state.State));

    public Task<RecipientListing> GetRecipientsAsync() => Task.FromResult(SubjectReads.Recipients(state.State));

    public async Task<SubjectChange> PlaceLegalHoldAsync(LegalHold hold)
    {
        if (Refuse(v => v.AddRange(hold.Validate())) is { } refused)
        {
            return refused;
        }

        var now = timeProvider.GetUtcNow();
        await ChangeAsync(s => s.Hold = hold with { Since = now });
        SubjectLog.HoldPlaced(logger, Key, hold.Ground);
        return SubjectChange.DoneAt(now);
    }

    public async Task<SubjectChange> ReleaseLegalHoldAsync()
    {
        if (Refuse() is { } refused)
        {
            return refused;
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

    public Task<SubjectExport> ExportAsync(bool portability) => Task.FromResult(SubjectReads.Export(state.State, portability));

    public async Task<ErasureResult> EraseAsync(string actor, string reason, bool partial)
    {
        if (Check(v => ErasureRecord.CheckReason(reason, "reason", v)) is { Count: > 0 } violations)
        {
            return ErasureResult.Invalid(violations);
        }

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

    /// <summary>What a PutRecord asks for, as a <see cref="RecentWrites.Fingerprint"/>: every part of the record, fields in ordinal order.</summary>
    private static string Fingerprint(PersonalDataRecord record) => RecentWrites.Fingerprint(
    [
        "PutRecord", record.Category, record.Purpose, record.LegalBasis.ToString(), record.Source, record.Retention,
        .. record.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).SelectMany(f => new[] { f.Key, f.Value }),
    ]);

    /// <summary>The violations of the grain's own key (the subject's tenant and id) and then of the input, as <paramref name="input"/> adds them.</summary>
    private List<FieldViolation> Check(Action<List<FieldViolation>>? input = null)
    {
        var violations = new List<FieldViolation>();
        SubjectRef.CheckGrainKey(Key, violations);
        input?.Invoke(violations);
        return violations;
    }

    /// <summary>Why a change of the rights state cannot start (the subject was erased, or the key or input is invalid), or null when it can.</summary>
    private SubjectChange? Refuse(Action<List<FieldViolation>>? input = null) =>
        state.State.Erasure is { } erasure ? SubjectChange.Erased(erasure)
        : Check(input) is { Count: > 0 } violations ? SubjectChange.Invalid(violations)
        : null;

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

    /// <summary>Queues the Art. 19 notices of a change that is already stored; see <see cref="RecipientNotices.QueueAsync"/>.</summary>
    private Task<int> NotifyAsync(List<(string Category, Recipient Recipient)> recipients, SubjectChangeKind change, DateTimeOffset at) =>
        RecipientNotices.QueueAsync(GrainFactory, logger, Key, recipients, change, at);

    private List<(string Category, Recipient Recipient)> RecipientsOf(IEnumerable<string> categories) => SubjectReads.RecipientsOf(state.State, categories);
}
