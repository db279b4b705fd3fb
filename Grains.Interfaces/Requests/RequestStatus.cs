namespace Custodian.Requests;

/// <summary>Where a request stands: its clock runs while open, stops while paused, and a closed request carries its outcome.</summary>
[GenerateSerializer, Alias("Custodian.Requests.RequestStatus")]
public enum RequestStatus
{
    /// <summary>Not filed.</summary>
    Unspecified = 0,

    /// <summary>Open; the clock runs.</summary>
    Open = 1,

    /// <summary>Waiting for the subject; the clock stands still.</summary>
    Paused = 2,

    /// <summary>Closed with an outcome; final.</summary>
    Closed = 3,
}
