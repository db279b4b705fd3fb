namespace Custodian.Requests;

/// <summary>How a request reached the controller.</summary>
[GenerateSerializer, Alias("Custodian.Requests.RequestChannel")]
public enum RequestChannel
{
    /// <summary>Not a channel; never filed.</summary>
    Unspecified = 0,

    /// <summary>Filed by the tenant's client application over the API.</summary>
    Api = 1,

    /// <summary>Entered by helpdesk staff holding a grant that covers the subject.</summary>
    Helpdesk = 2,
}
