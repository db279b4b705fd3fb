using Microsoft.Extensions.Configuration;

using System.Security.Cryptography;
using System.Text;

namespace Custodian.Hosting;

/// <summary>
/// A digest of the settings that govern Custodian's behaviour (every section it reads, connection
/// strings included, passwords and inline keys left out), recorded in the audit trail each time a
/// silo or gateway starts: a configuration change between two starts shows as a new digest.
/// </summary>
public static class ConfigurationDigest
{
    private static readonly string[] Sections =
        ["Silo", "Gateway", "Access", "Audit", "KeyRotation", "Backup", "SecureStorage", "Security", "Jwt", "Tls", "AdminTls", "ClusterTls", "ConnectionStrings"];

    private static readonly string[] Secret = ["Password", "SigningKey", "Key"];

    /// <summary><c>sha256:</c> and the first 32 hex digits of SHA-256 over the sorted <c>key=value</c> lines.</summary>
    public static string Of(IConfiguration configuration)
    {
        var lines = Sections
            .SelectMany(section => configuration.GetSection(section).AsEnumerable())
            .Where(pair => pair.Value is not null && !Secret.Contains(pair.Key[(pair.Key.LastIndexOf(':') + 1)..], StringComparer.OrdinalIgnoreCase))
            .Select(pair => $"{pair.Key}={pair.Value}")
            .Order(StringComparer.Ordinal);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        return "sha256:" + Convert.ToHexString(digest, 0, 16).ToLowerInvariant();
    }
}
