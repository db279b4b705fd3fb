using System.Collections.Immutable;

namespace Custodian.Requests;

/// <summary>What a tenant's request register persists: its open requests by id.</summary>
[GenerateSerializer, Alias("Custodian.Requests.RequestRegisterState")]
public sealed class RequestRegisterState
{
    [Id(0)]
    public ImmutableDictionary<string, RequestSummary> Open { get; set; } = ImmutableDictionary<string, RequestSummary>.Empty;
}
