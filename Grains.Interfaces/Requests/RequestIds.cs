using System.Security.Cryptography;
using System.Text;

namespace Custodian.Requests;

/// <summary>The ids of requests filed under an idempotency key: the same caller's repeat of a filing names the same request.</summary>
public static class RequestIds
{
    /// <summary>
    /// The request id for a filing by <paramref name="actor"/> in <paramref name="tenantId"/> under <paramref name="idempotencyKey"/>:
    /// <c>req-</c> and 20 hex digits of a SHA-256 digest, the shape of the random ids of filings without a key.
    /// </summary>
    public static string ForIdempotencyKey(string tenantId, string actor, string idempotencyKey)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"custodian.requests.v1\n{tenantId}\n{actor}\n{idempotencyKey}"));
        return "req-" + Convert.ToHexString(digest, 0, 10).ToLowerInvariant();
    }
}
