namespace Custodian.Requests;

/// <summary>Which of a tenant's open requests to list.</summary>
[GenerateSerializer, Alias("Custodian.Requests.RequestListing")]
public enum RequestListing
{
    /// <summary>Every request not yet closed.</summary>
    Open = 0,

    /// <summary>Open, not overdue, and due within the configured window.</summary>
    DueSoon = 1,

    /// <summary>Open and past the due date.</summary>
    Overdue = 2,
}
