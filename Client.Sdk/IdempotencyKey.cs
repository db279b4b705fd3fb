using System.Buffers.Text;
using System.Security.Cryptography;
using Grpc.Core;

namespace Custodian.Client;

/// <summary>
/// The <c>idempotency-key</c> request header: one key per logical write, the same on every retry and failover of
/// that write, so that a gateway that honours it applies the write once and answers a repeat with the first result.
/// A key is 1-64 characters of <c>A-Z a-z 0-9 _ -</c>; the gateway refuses anything else with INVALID_ARGUMENT, and a
/// key reused for a different write with FAILED_PRECONDITION.
/// </summary>
public static class IdempotencyKey
{
    /// <summary>The request header's name.</summary>
    public const string HeaderName = "idempotency-key";

    /// <summary>A fresh random key: 128 random bits as 22 base64url characters.</summary>
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Request headers carrying <paramref name="key"/>, to pass as a call's headers so that a write uses the caller's own key.</summary>
    public static Metadata Headers(string key) => new() { { HeaderName, key } };

    /// <summary>The key in <paramref name="headers"/>, or null when there is none.</summary>
    public static string? In(Metadata? headers) => headers?.GetValue(HeaderName);
}
