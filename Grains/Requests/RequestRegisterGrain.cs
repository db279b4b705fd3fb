using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Custodian.Requests;

/// <summary>A tenant's open requests, kept by the request grains; lists compute due-soon and overdue from the times.</summary>
public sealed class RequestRegisterGrain(
    [PersistentState("requests", "secure")] IPersistentState<RequestRegisterState> state,
    IOptions<RequestsOptions> options,
    [FromKeyedServices(RequestsOptions.ClockKey)] TimeProvider timeProvider) : Grain, IRequestRegisterGrain
{
    public async Task UpsertAsync(RequestSummary summary)
    {
        if (state.State.Open.TryGetValue(summary.RequestId, out var current) && current == summary)
        {
            return;
        }

        await SaveAsync(state.State.Open.SetItem(summary.RequestId, summary));
    }

    public async Task RemoveAsync(string requestId)
    {
        if (state.State.Open.ContainsKey(requestId))
        {
            await SaveAsync(state.State.Open.Remove(requestId));
        }
    }

    public Task<ImmutableArray<RequestSummary>> ListAsync(RequestListing listing)
    {
        var now = timeProvider.GetUtcNow();
        var within = options.Value.DueSoonWithin;
        bool IsOverdue(RequestSummary s) => s.Overdue || (s.Status == RequestStatus.Open && now >= s.DueAt);
        var matching = state.State.Open.Values.Where(s => listing switch
        {
            RequestListing.Overdue => IsOverdue(s),
            RequestListing.DueSoon => s.Status == RequestStatus.Open && !IsOverdue(s) && s.DueAt - now <= within,
            _ => true,
        });
        return Task.FromResult<ImmutableArray<RequestSummary>>([.. matching.OrderBy(s => s.DueAt).ThenBy(s => s.RequestId, StringComparer.Ordinal)]);
    }

    private async Task SaveAsync(ImmutableDictionary<string, RequestSummary> open)
    {
        var previous = state.State.Open;
        state.State.Open = open;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Open = previous;
            throw;
        }
    }
}
