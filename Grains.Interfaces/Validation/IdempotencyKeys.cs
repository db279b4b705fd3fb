using System.Buffers;

namespace Custodian.Validation;

/// <summary>
/// The <c>idempotency-key</c> a client sends with a write (a request header), so that a retried write is applied once:
/// 1-64 characters of <c>A-Z a-z 0-9 _ -</c>, chosen fresh for each logical write. A key is not personal data, but it
/// is not logged either: it could let someone who reads logs tie calls together.
/// </summary>
public static class IdempotencyKeys
{
    /// <summary>The request header (and the field named in a violation).</summary>
    public const string HeaderName = "idempotency-key";

    /// <summary>Longest key.</summary>
    public const int MaxLength = 64;

    private static readonly SearchValues<char> KeyChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    /// <summary>Adds a violation of <see cref="HeaderName"/> when <paramref name="key"/> is given but malformed; no key is fine.</summary>
    public static void Check(string? key, List<FieldViolation> violations)
    {
        if (key is not null && (key.Length is 0 or > MaxLength || key.AsSpan().ContainsAnyExcept(KeyChars)))
        {
            violations.Add(new FieldViolation(HeaderName, $"is 1-{MaxLength} letters, digits, '-' or '_', fresh for each write"));
        }
    }
}
