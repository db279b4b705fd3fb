using System.Net.Mail;

namespace Custodian.Validation;

/// <summary>
/// The one shape of an e-mail address Custodian sends to or stores as an address: a plain <c>name@domain</c>,
/// no display name, no comments, at most <see cref="MaxLength"/> characters (RFC 5321's path limit).
/// </summary>
public static class EmailAddresses
{
    /// <summary>Longest address.</summary>
    public const int MaxLength = 254;

    /// <summary>True when <paramref name="address"/> is a plain address, exactly as parsed.</summary>
    public static bool IsPlain(string? address) =>
        !string.IsNullOrEmpty(address)
        && address.Length <= MaxLength
        && MailAddress.TryCreate(address, out var parsed)
        && parsed.Address == address
        && string.IsNullOrEmpty(parsed.DisplayName);

    /// <summary>Adds a violation for <paramref name="field"/> when <paramref name="address"/> is not a plain address.</summary>
    public static void Check(string? address, string field, List<FieldViolation> violations)
    {
        if (!IsPlain(address))
        {
            violations.Add(new FieldViolation(field, "is not a plain e-mail address (name@domain)"));
        }
    }
}
