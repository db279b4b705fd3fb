namespace Custodian.Requests;

/// <summary>What a SubjectRequest grain persists.</summary>
[GenerateSerializer, Alias("Custodian.Requests.SubjectRequestState")]
public sealed class SubjectRequestState
{
    [Id(0)]
    public SubjectRequest? Request { get; set; }
}
