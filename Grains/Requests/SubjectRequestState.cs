using Custodian.Idempotency;

namespace Custodian.Requests;

/// <summary>What a SubjectRequest grain persists.</summary>
[GenerateSerializer, Alias("Custodian.Requests.SubjectRequestState")]
public sealed class SubjectRequestState
{
    [Id(0)]
    public SubjectRequest? Request { get; set; }

    /// <summary>The idempotency key the request was filed under, written with the filing; null without one (and in states stored before keys were kept).</summary>
    [Id(1)]
    public KeyedWrite? FiledUnder { get; set; }
}
