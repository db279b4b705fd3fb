namespace Custodian.Gateway.Routing;

/// <summary>
/// The gateway cannot reach the cluster a call needs: it has no client for the region, the region's client is
/// still connecting, the region's cluster does not answer, or the tenant has no placement at all. Answered
/// UNAVAILABLE with <see cref="Exception.Message"/>, which names regions and tenants only; the caller retries,
/// or goes to another gateway.
/// </summary>
public sealed class RegionUnavailableException(string? region, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The region that cannot be reached; null when the tenant has no region at all.</summary>
    public string? Region { get; } = region;

    /// <summary>
    /// Whether <paramref name="exception"/> says that a cluster did not answer (no gateway silo, a broken
    /// connection, no response in time) rather than that a call failed inside it.
    /// </summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException
            or SiloUnavailableException or ClientNotAvailableException or TimeoutException;
}
