using Custodian.Storage;
using Microsoft.Extensions.Logging;

namespace Custodian.Subjects;

/// <summary>One data subject's personal data, persisted encrypted through the <c>secure</c> storage.</summary>
public sealed class DataSubjectGrain(
    [PersistentState("subject", "secure")] IPersistentState<DataSubjectState> state,
    ILogger<DataSubjectGrain> logger,
    TimeProvider timeProvider) : Grain, IDataSubjectGrain
{
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
        var previous = state.State.Records;
        state.State.Records = previous.SetItem(record.Category, new StoredRecord(record, now));
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Nothing half-written stays in memory: the grain keeps what storage holds.
            state.State.Records = previous;
            throw;
        }

        SubjectLog.RecordStored(logger, this.GetPrimaryKeyString(), record.Category, record.Fields.Count);
        return PutRecordResult.StoredAt(now);
    }

    public Task<RecordLookup> GetRecordAsync(string category) =>
        Task.FromResult(new RecordLookup(state.State.Records.GetValueOrDefault(category), state.State.Erasure));

    public Task<CategoryListing> ListCategoriesAsync() =>
        Task.FromResult(new CategoryListing(
            [.. state.State.Records.Values.Select(r => new CategorySummary(r.Record.Category, r.Record.Purpose, r.Record.LegalBasis, r.Record.Fields.Count, r.UpdatedAt))],
            state.State.Erasure));

    public async Task<ErasureRecord> ShredAsync(string actor, string reason)
    {
        // Erased with a receipt: done. Erased without one (a copy whose key is gone): write the tombstone and receipt now.
        if (state.State.Erasure is { ReceiptId.Length: > 0 } done)
        {
            return done;
        }

        state.State.Erasure = ErasureRecord.New(timeProvider.GetUtcNow(), actor, reason);
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
        SubjectLog.Shredded(logger, this.GetPrimaryKeyString(), erasure.ReceiptId);
        DeactivateOnIdle();
        return erasure;
    }
}
