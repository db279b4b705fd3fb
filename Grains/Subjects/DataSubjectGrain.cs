using System.Collections.Immutable;
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

    public Task<StoredRecord?> GetRecordAsync(string category) =>
        Task.FromResult(state.State.Records.GetValueOrDefault(category));

    public Task<ImmutableArray<CategorySummary>> ListCategoriesAsync() =>
        Task.FromResult(state.State.Records.Values
            .Select(r => new CategorySummary(r.Record.Category, r.Record.Purpose, r.Record.LegalBasis, r.Record.Fields.Count, r.UpdatedAt))
            .ToImmutableArray());
}
