using Grpc.Core;

namespace Custodian.Client;

/// <summary>That a call found the gateway <paramref name="From"/> unavailable and goes on to <paramref name="To"/>.</summary>
/// <param name="From">The gateway that answered <c>UNAVAILABLE</c> or could not be reached.</param>
/// <param name="To">The gateway tried next.</param>
/// <param name="Status">What <paramref name="From"/> answered, or the connection failure.</param>
public sealed record GatewayFailover(Uri From, Uri To, Status Status)
{
    /// <summary>One line for people: <c>host:port is unavailable (detail); trying host:port</c>.</summary>
    public override string ToString() => $"{From.Authority} is unavailable ({Status.Detail}); trying {To.Authority}";
}
